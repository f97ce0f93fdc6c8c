package io.github.bootconcurrency.benchmark;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ContextSwitches}, on this very process (Linux).
 */
class ContextSwitchesTests {

	@Test
	void sleepingCountsAsVoluntarySwitches() throws InterruptedException {
		ContextSwitches before = ContextSwitches.of(ProcessHandle.current());
		for (int i = 0; i < 5; i++) {
			Thread.sleep(20);
		}
		ContextSwitches during = before.until(ContextSwitches.of(ProcessHandle.current()));
		// This thread alone gave up its core five times.
		assertThat(during.voluntary()).isGreaterThanOrEqualTo(5);
		assertThat(during.involuntary()).isNotNegative();
	}

}
