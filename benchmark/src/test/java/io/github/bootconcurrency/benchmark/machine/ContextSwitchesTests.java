package io.github.bootconcurrency.benchmark.machine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

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
	}

	@Test
	void moreBusyThreadsThanCoresCountAsInvoluntarySwitches() throws InterruptedException {
		ContextSwitches before = ContextSwitches.of(ProcessHandle.current());
		AtomicBoolean stop = new AtomicBoolean();
		List<Thread> spinners = new ArrayList<>();
		// One more than the cores: the scheduler must take a core away from one of them,
		// again and again, without any of them ever sleeping.
		for (int i = 0; i <= Runtime.getRuntime().availableProcessors(); i++) {
			spinners.add(Thread.ofPlatform().start(() -> {
				while (!stop.get()) {
					Thread.onSpinWait();
				}
			}));
		}
		try {
			// Read while they run: the threads that ended are not counted.
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			ContextSwitches during = before.until(ContextSwitches.of(ProcessHandle.current()));
			while (during.involuntary() == 0 && System.nanoTime() < deadline) {
				Thread.sleep(20);
				during = before.until(ContextSwitches.of(ProcessHandle.current()));
			}
			assertThat(during.involuntary()).isPositive();
		}
		finally {
			stop.set(true);
			for (Thread spinner : spinners) {
				assertThat(spinner.join(Duration.ofSeconds(5))).isTrue();
			}
		}
	}

}
