package io.github.bootconcurrency.autoconfigure.redis;

import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisFailFastAutoConfiguration}'s check with a Redis that requires a
 * password, against real Redis servers: the right password starts, a wrong or missing one
 * is an authentication failure at the first attempt, and no password, nor a password that
 * starts another, ever shows in the failure, its analysis, its stack traces or the log.
 */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisFailFastCredentialsTests extends RedisFailFastHarness {

	private static final String SERVER_PASSWORD = "s3rver-Pa55word";

	private static final String WRONG_PASSWORD = "wr0ng-Pa55word";

	@Test
	void wrongPasswordFailsAtOnceWithoutEverShowingAPassword(CapturedOutput output) {
		RedisServer redis = track(RedisServer.start(SERVER_PASSWORD));
		this.runner
			.withPropertyValues("spring.data.redis.port=" + redis.port(),
					"spring.data.redis.password=" + WRONG_PASSWORD)
			.run((context) -> {
				RedisUnreachableException failure = failure(context);
				assertThat(failure.getFailureCause()).isEqualTo(RedisFailureCause.AUTHENTICATION_FAILED);
				assertThat(failure.getAttempts()).isOne();
				assertThat(failure.getPropertiesToChange()).contains("spring.data.redis.password");
				String analysis = analysis(failure);
				assertThat(analysis).contains("spring.data.redis.password (set, from");
				assertThat(analysis + stackTraces(failure)).doesNotContain(WRONG_PASSWORD)
					.doesNotContain(SERVER_PASSWORD);
			});
		assertThat(output.getAll()).doesNotContain(WRONG_PASSWORD).doesNotContain(SERVER_PASSWORD);
	}

	@Test
	void passwordThatStartsAnotherIsHiddenWholeAndTheTargetNeverShowsEither(CapturedOutput output) {
		RedisServer redis = track(RedisServer.start(SERVER_PASSWORD));
		RedisServer sentinel = track(RedisServer.startSentinel("mymaster", redis));
		String password = "Pa55";
		String sentinelPassword = password + "-and-the-sentinels-own";
		this.runner
			.withPropertyValues("spring.data.redis.sentinel.master=mymaster",
					"spring.data.redis.sentinel.nodes=127.0.0.1:" + sentinel.port(), "fail-fast.redis.attempts=1",
					"spring.data.redis.password=" + password, "spring.data.redis.sentinel.password=" + sentinelPassword)
			.run((context) -> {
				RedisUnreachableException failure = failure(context);
				RedisTarget target = failure.getTarget();
				assertThat(target.secrets()).containsExactly(password, sentinelPassword);
				assertThat(target.toString()).doesNotContain(password).contains("127.0.0.1:" + sentinel.port());
				assertThat(target.scrub("auth " + sentinelPassword + " then " + password))
					.isEqualTo("auth ****** then ******");
				assertThat(analysis(failure) + stackTraces(failure) + failure).doesNotContain(password);
			});
		assertThat(output.getAll()).doesNotContain(password);
	}

	@Test
	void missingPasswordIsAnAuthenticationFailure() {
		RedisServer redis = track(RedisServer.start(SERVER_PASSWORD));
		this.runner.withPropertyValues("spring.data.redis.port=" + redis.port())
			.run((context) -> assertThat(failure(context).getFailureCause())
				.isEqualTo(RedisFailureCause.AUTHENTICATION_FAILED));
	}

	@Test
	void rightPasswordStarts() {
		RedisServer redis = track(RedisServer.start(SERVER_PASSWORD));
		this.runner
			.withPropertyValues("spring.data.redis.port=" + redis.port(),
					"spring.data.redis.password=" + SERVER_PASSWORD)
			.run((context) -> assertThat(context).hasNotFailed());
	}

}
