package io.github.bootconcurrency.benchmark.cli;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Arguments}.
 */
class ArgumentsTests {

	@Test
	void durationsAcceptUnitsAndPlainSeconds() {
		assertThat(Arguments.parseDuration("d", "500ms")).isEqualTo(Duration.ofMillis(500));
		assertThat(Arguments.parseDuration("d", "10s")).isEqualTo(Duration.ofSeconds(10));
		assertThat(Arguments.parseDuration("d", "2m")).isEqualTo(Duration.ofMinutes(2));
		assertThat(Arguments.parseDuration("d", "1.5")).isEqualTo(Duration.ofMillis(1500));
	}

	@Test
	void misspeltOptionIsRejected() {
		Arguments arguments = new Arguments("at-once", "--url=http://127.0.0.1:1/", "--nn=5");
		arguments.string("url", null);
		arguments.integer("n", 1, 1, 10);
		assertThatIllegalArgumentException().isThrownBy(arguments::rejectUnknown).withMessageContaining("--nn");
	}

	@Test
	void numberOutOfRangeNamesTheOption() {
		Arguments arguments = new Arguments("--n=0");
		assertThatIllegalArgumentException().isThrownBy(() -> arguments.integer("n", 1, 1, 10))
			.withMessageContaining("--n");
	}

}
