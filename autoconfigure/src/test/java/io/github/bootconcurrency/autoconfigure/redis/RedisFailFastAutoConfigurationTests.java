package io.github.bootconcurrency.autoconfigure.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisFailFastAutoConfiguration} against real Redis servers: startup
 * goes on against a Redis that answers, standalone, cluster or through sentinels, and
 * logs one line saying so; it stops, after every attempt within their bound and with the
 * waits between them capped, when Redis is down, and tells apart a wrong database, an
 * unknown host, a TLS failure and a timeout; and the check can be switched off.
 * Credentials are {@link RedisFailFastCredentialsTests}', health groups
 * {@link RedisFailFastHealthTests}' and the check's own settings
 * {@link RedisFailFastSettingsTests}'.
 */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisFailFastAutoConfigurationTests extends RedisFailFastHarness {

	@Test
	void startsAgainstALiveRedisAndLogsOneLineWithTheRoundTrip(CapturedOutput output) {
		RedisServer redis = track(RedisServer.start());
		this.runner.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port())
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(RedisStartupCheck.class);
				assertThat(output).containsPattern("Redis answered PING at 127\\.0\\.0\\.1:" + redis.port()
						+ "/0 \\(standalone\\) in \\d+\\.\\d ms \\(attempt 1 of 3; active profiles: none; "
						+ "spring\\.data\\.redis\\.host=127\\.0\\.0\\.1");
			});
	}

	@Test
	void stoppedRedisStopsStartupAfterEveryAttemptWithinTheirBound() {
		RedisServer redis = track(RedisServer.start());
		redis.kill();
		long start = System.nanoTime();
		this.runner
			.withPropertyValues("spring.data.redis.port=" + redis.port(), "fail-fast.redis.attempts=3",
					"fail-fast.redis.timeout=1s", "fail-fast.redis.backoff=200ms")
			.run((context) -> {
				RedisUnreachableException failure = failure(context);
				assertThat(failure.getFailureCause()).isEqualTo(RedisFailureCause.CONNECTION_REFUSED);
				assertThat(failure.getAttempts()).isEqualTo(3);
				// 200 ms, then 400 ms between the three attempts.
				assertThat(failure.getElapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(600));
				assertThat(failure.getPropertiesToChange()).containsExactly("spring.data.redis.host",
						"spring.data.redis.port");
				assertThat(failure.getSettingOrigins()).singleElement()
					.asString()
					.startsWith("spring.data.redis.port=" + redis.port());
			});
		// Three attempts of at most 1 s and their waits, and room for a loaded machine
		// to start the context: bounded, not endless.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3 * (1 + 1) + 20));
	}

	@Test
	void waitsBetweenAttemptsStopGrowingAtTheMaximumWait() {
		RedisServer redis = track(RedisServer.start());
		redis.kill();
		this.runner
			.withPropertyValues("spring.data.redis.port=" + redis.port(), "fail-fast.redis.attempts=4",
					"fail-fast.redis.timeout=1s", "fail-fast.redis.backoff=100ms",
					"fail-fast.redis.backoff-multiplier=10", "fail-fast.redis.max-backoff=300ms")
			.run((context) -> {
				RedisUnreachableException failure = failure(context);
				assertThat(failure.getAttempts()).isEqualTo(4);
				// 100 ms, then 300 ms twice: growing x10 unbounded would wait 11.1 s,
				// which
				// the upper bound, generous for a loaded machine, still tells apart.
				assertThat(failure.getElapsed()).isBetween(Duration.ofMillis(700), Duration.ofSeconds(10));
				assertThat(analysis(failure)).contains("backoff 100ms growing x10.0 up to 300ms");
			});
	}

	@Test
	void wrongDatabaseIndexNamesTheDatabaseProperty() {
		RedisServer redis = track(RedisServer.start());
		this.runner.withPropertyValues("spring.data.redis.port=" + redis.port(), "spring.data.redis.database=99")
			.run((context) -> {
				RedisUnreachableException failure = failure(context);
				assertThat(failure.getFailureCause()).isEqualTo(RedisFailureCause.WRONG_DATABASE);
				assertThat(failure.getPropertiesToChange()).containsExactly("spring.data.redis.database");
				assertThat(failure.getTarget().describe()).isEqualTo("localhost:" + redis.port() + "/99 (standalone)");
			});
	}

	@Test
	void unknownHostIsToldApart() {
		this.runner.withPropertyValues("spring.data.redis.host=no-such-host.invalid", "fail-fast.redis.attempts=1")
			.run((context) -> assertThat(failure(context).getFailureCause()).isEqualTo(RedisFailureCause.UNKNOWN_HOST));
	}

	@Test
	void untrustedTlsServerIsATlsFailure() {
		RedisServer redis = track(RedisServer.startTls());
		this.runner
			// A first TLS handshake on a loaded machine (JIT, the SSL engine's set-up)
			// can
			// take longer than the runner's 2s, which would be told apart as a timeout:
			// the
			// refused certificate ends the attempt as soon as it is seen anyway.
			.withPropertyValues("spring.data.redis.port=" + redis.port(), "spring.data.redis.ssl.enabled=true",
					"fail-fast.redis.attempts=1", "fail-fast.redis.timeout=30s")
			.run((context) -> {
				RedisUnreachableException failure = failure(context);
				assertThat(failure.getFailureCause()).isEqualTo(RedisFailureCause.TLS_FAILURE);
				assertThat(failure.getPropertiesToChange()).containsExactly("spring.data.redis.ssl.enabled",
						"spring.data.redis.ssl.bundle");
				assertThat(failure.getTarget().describe()).endsWith(", over TLS");
			});
	}

	@Test
	void tlsAgainstAPlainServerTimesOutAndPointsAtTheTlsSwitch() {
		RedisServer redis = track(RedisServer.start());
		this.runner
			.withPropertyValues("spring.data.redis.port=" + redis.port(), "spring.data.redis.ssl.enabled=true",
					"fail-fast.redis.attempts=1", "fail-fast.redis.timeout=1s")
			.run((context) -> {
				RedisUnreachableException failure = failure(context);
				assertThat(failure.getFailureCause()).isEqualTo(RedisFailureCause.TIMEOUT);
				assertThat(failure.getPropertiesToChange()).contains("spring.data.redis.ssl.enabled");
				assertThat(analysis(failure)).contains("TLS is on: a server that does not speak TLS");
			});
	}

	@Test
	void disabledCheckLetsTheApplicationStartWithoutRedis() {
		RedisServer redis = track(RedisServer.start());
		redis.kill();
		this.runner.withPropertyValues("spring.data.redis.port=" + redis.port(), "fail-fast.redis.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisStartupCheck.class));
	}

	@Test
	void clusterStartsWhenEverySeedAnswersAndWarnsWhenOneDoesNot(CapturedOutput output) {
		List<RedisServer> nodes = List.of(track(RedisServer.startClusterNode()), track(RedisServer.startClusterNode()),
				track(RedisServer.startClusterNode()));
		RedisServer.createCluster(nodes);
		String seeds = String.join(",", nodes.stream().map((node) -> "127.0.0.1:" + node.port()).toList());
		ApplicationContextRunner cluster = this.runner.withPropertyValues("spring.data.redis.cluster.nodes=" + seeds);
		cluster.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("Redis answered PING at cluster seed nodes " + seeds.replace(",", ", "))
			.doesNotContain("did not answer PING");
		nodes.get(2).kill();
		cluster.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("Redis cluster seed node(s) did not answer PING: 127.0.0.1:" + nodes.get(2).port());
		nodes.get(0).kill();
		nodes.get(1).kill();
		cluster.withPropertyValues("fail-fast.redis.attempts=1").run((context) -> {
			RedisUnreachableException failure = failure(context);
			assertThat(failure.getTarget().mode()).isEqualTo(RedisTarget.Mode.CLUSTER);
			assertThat(failure.getFailureCause()).isEqualTo(RedisFailureCause.CONNECTION_REFUSED);
			assertThat(failure.getPropertiesToChange()).containsExactly("spring.data.redis.cluster.nodes");
		});
	}

	@Test
	void sentinelSetupIsCheckedThroughTheSentinels() {
		RedisServer master = track(RedisServer.start());
		RedisServer sentinel = track(RedisServer.startSentinel("mymaster", master));
		ApplicationContextRunner sentinels = this.runner.withPropertyValues(
				"spring.data.redis.sentinel.master=mymaster",
				"spring.data.redis.sentinel.nodes=127.0.0.1:" + sentinel.port(), "fail-fast.redis.attempts=1");
		sentinels.run((context) -> assertThat(context).hasNotFailed());
		sentinel.kill();
		sentinels.run((context) -> {
			RedisUnreachableException failure = failure(context);
			assertThat(failure.getTarget().describe())
				.isEqualTo("master 'mymaster' via sentinels 127.0.0.1:" + sentinel.port() + ", database 0");
			assertThat(failure.getPropertiesToChange()).contains("spring.data.redis.sentinel.nodes");
		});
	}

}
