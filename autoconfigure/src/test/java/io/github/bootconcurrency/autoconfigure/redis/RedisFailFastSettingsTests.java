package io.github.bootconcurrency.autoconfigure.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the settings of {@link RedisFailFastAutoConfiguration}'s check
 * ({@code fail-fast.redis.*}) that startup refuses, naming each key, the value as written
 * and what is allowed, among them attempts and waits that could hold startup for more
 * than ten minutes. No Redis is needed: the settings are checked before it is reached.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisFailFastSettingsTests extends RedisFailFastHarness {

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource({ "fail-fast.redis.attempts, 0, a whole number from 1 to 100",
			"fail-fast.redis.attempts, 101, a whole number from 1 to 100",
			"fail-fast.redis.timeout, 0s, a duration from 1ms to 10m",
			"fail-fast.redis.timeout, 11m, a duration from 1ms to 10m",
			"fail-fast.redis.backoff, -1s, a duration from 0 to fail-fast.redis.max-backoff (10s)",
			"fail-fast.redis.backoff, 20s, a duration from 0 to fail-fast.redis.max-backoff (10s)",
			"fail-fast.redis.max-backoff, -1ms, a duration from 0 to 10m",
			"fail-fast.redis.max-backoff, 1h, a duration from 0 to 10m",
			"fail-fast.redis.backoff-multiplier, 0.5, a number from 1.0 to 10.0",
			"fail-fast.redis.attempts, 100, settings whose attempts and waits end within 10m" })
	void invalidCheckSettingFailsStartupNamingKeyValueAsWrittenAndWhatIsAllowed(String key, String value,
			String allowed) {
		this.runner.withPropertyValues(key + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			Throwable cause = context.getStartupFailure();
			while (!(cause instanceof InvalidSettingsException) && cause != null) {
				cause = cause.getCause();
			}
			assertThat(cause).isNotNull();
			assertThat(((InvalidSettingsException) cause).getViolations()).singleElement().satisfies((violation) -> {
				assertThat(violation.key()).isEqualTo(key);
				assertThat(String.valueOf(violation.value())).isEqualTo(value);
				assertThat(violation.problem()).contains("allowed: " + allowed);
				assertThat(String.valueOf(violation.origin())).contains(key);
			});
		});
	}

	@Test
	void attemptsThatCouldHoldStartupForMoreThanTenMinutesAreRefusedWithTheWorstCase() {
		// Each value within its own bounds: 60 attempts of up to 10 s, waits up to 10 s.
		this.runner
			.withPropertyValues("fail-fast.redis.attempts=60", "fail-fast.redis.timeout=10s",
					"fail-fast.redis.backoff=1s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("fail-fast.redis.attempts = 60")
					.hasMessageContaining("60 attempts of up to 10s (fail-fast.redis.timeout), with waits from 1s"
							+ " growing x2.0 up to 10s (fail-fast.redis.max-backoff)")
					.hasMessageContaining("a Redis that is down would hold startup for up to 1165s")
					.hasMessageContaining("allowed: settings whose attempts and waits end within 10m");
			});
		// 60 attempts of up to 2 s, waits of 1, 2 and 4 s then 5 s: 120 s + 287 s.
		FailFastRedisProperties properties = new FailFastRedisProperties();
		properties.setAttempts(60);
		properties.setTimeout(Duration.ofSeconds(2));
		properties.setMaxBackoff(Duration.ofSeconds(5));
		assertThat(RedisStartupCheck.worstCase(properties)).isEqualTo(Duration.ofSeconds(407));
	}

	@Test
	void invalidCheckSettingsFailStartupNamingKeyValueAndWhatIsAllowed() {
		this.runner
			.withPropertyValues("fail-fast.redis.attempts=0", "fail-fast.redis.timeout=-1s",
					"fail-fast.redis.backoff-multiplier=0.5")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable cause = context.getStartupFailure();
				while (!(cause instanceof InvalidSettingsException) && cause != null) {
					cause = cause.getCause();
				}
				assertThat(cause).isNotNull();
				assertThat(((InvalidSettingsException) cause).getViolations())
					.extracting((violation) -> violation.key() + "=" + violation.value() + ": " + violation.problem())
					.containsExactlyInAnyOrder("fail-fast.redis.attempts=0: allowed: a whole number from 1 to 100",
							"fail-fast.redis.timeout=-1s: allowed: a duration from 1ms to 10m, such as 500ms, 5s or 2m",
							"fail-fast.redis.backoff-multiplier=0.5: allowed: a number from 1.0 to 10.0");
			});
	}

}
