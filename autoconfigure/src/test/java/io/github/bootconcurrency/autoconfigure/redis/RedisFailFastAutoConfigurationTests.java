package io.github.bootconcurrency.autoconfigure.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.testsupport.RedisServer;
import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisFailFastAutoConfiguration}, against real Redis servers.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisFailFastAutoConfigurationTests {

	private static final String SERVER_PASSWORD = "s3rver-Pa55word";

	private static final String WRONG_PASSWORD = "wr0ng-Pa55word";

	/**
	 * The actuator's health endpoint with Kubernetes-style probes, and Redis's health
	 * contributor.
	 */
	private static final AutoConfigurations HEALTH = AutoConfigurations.of(
			ApplicationAvailabilityAutoConfiguration.class, HealthContributorAutoConfiguration.class,
			HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
			AvailabilityHealthContributorAutoConfiguration.class, AvailabilityProbesAutoConfiguration.class,
			DataRedisHealthContributorAutoConfiguration.class);

	private final List<RedisServer> servers = new ArrayList<>();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisFailFastAutoConfiguration.class))
		.withPropertyValues("fail-fast.redis.timeout=2s", "fail-fast.redis.backoff=200ms");

	@AfterEach
	void stopServers() {
		this.servers.forEach(RedisServer::close);
	}

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
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3 * (1 + 1) + 5));
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
				// 100 ms, then 300 ms twice: growing x10 unbounded would wait 11.1 s.
				assertThat(failure.getElapsed()).isBetween(Duration.ofMillis(700), Duration.ofSeconds(5));
				assertThat(analysis(failure)).contains("backoff 100ms growing x10.0 up to 300ms");
			});
	}

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
	void readinessLeavesRedisOutByDefaultWhileHealthStillShowsIt() {
		RedisServer redis = track(RedisServer.start());
		this.runner.withConfiguration(HEALTH)
			.withPropertyValues("spring.data.redis.port=" + redis.port())
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(RedisStartupCheck.class)
					.doesNotHaveBean(RedisReadinessHealthEndpointGroupsPostProcessor.class);
				HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
				assertThat(groups.get("readiness").isMember("redis")).isFalse();
				assertThat(groups.getPrimary().isMember("redis")).isTrue();
			});
	}

	@Test
	void readinessIncludesRedisWhenAskedAndLivenessNever() {
		RedisServer redis = track(RedisServer.start());
		this.runner.withConfiguration(HEALTH)
			.withPropertyValues("spring.data.redis.port=" + redis.port(), "fail-fast.redis.readiness=true")
			.run((context) -> {
				HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
				assertThat(groups.get("readiness").isMember("redis")).isTrue();
				assertThat(groups.get("readiness").isMember("readinessState")).isTrue();
				assertThat(groups.get("liveness").isMember("redis")).isFalse();
			});
	}

	@Test
	void withoutTheActuatorRedisIsStillCheckedAtStartup() {
		RedisServer redis = track(RedisServer.start());
		// Spring Boot's health auto-configurations are left out too, as without the
		// actuator an application has none.
		this.runner
			.withClassLoader(
					new FilteredClassLoader("org.springframework.boot.health.", "org.springframework.boot.actuate."))
			.withPropertyValues("spring.data.redis.port=" + redis.port(), "fail-fast.redis.readiness=true")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(RedisStartupCheck.class)
				.doesNotHaveBean(RedisReadinessHealthEndpointGroupsPostProcessor.class));
	}

	@Test
	void backsOffWithoutSpringDataRedisAndTheRestStillStarts() {
		this.runner.withConfiguration(HEALTH)
			.withClassLoader(new FilteredClassLoader("org.springframework.data.redis.", "io.lettuce."))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(RedisStartupCheck.class)
				.doesNotHaveBean(FailFastRedisProperties.class)
				.hasSingleBean(HealthEndpointGroups.class));
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

	private RedisServer track(RedisServer server) {
		this.servers.add(server);
		return server;
	}

	private static RedisUnreachableException failure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable cause = context.getStartupFailure();
		while (cause != null && !(cause instanceof RedisUnreachableException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("startup failure caused by RedisUnreachableException: " + context.getStartupFailure())
			.isNotNull();
		return (RedisUnreachableException) cause;
	}

	private static String analysis(RedisUnreachableException failure) {
		FailureAnalysis analysis = new RedisUnreachableFailureAnalyzer().analyze(failure);
		return analysis.getDescription() + "\n" + analysis.getAction();
	}

	private static String stackTraces(Throwable failure) {
		java.io.StringWriter writer = new java.io.StringWriter();
		failure.printStackTrace(new java.io.PrintWriter(writer));
		return writer.toString();
	}

}
