package io.github.bootconcurrency.autoconfigure;

import io.github.bootconcurrency.autoconfigure.validation.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static io.github.bootconcurrency.autoconfigure.ConcurrencyContexts.exception;
import static io.github.bootconcurrency.autoconfigure.ConcurrencyContexts.violation;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the settings that {@link ConcurrencyAutoConfiguration} refuses: startup fails
 * naming the key, the value as written, its origin and what is allowed, for a value out
 * of its bounds, a model that contradicts Spring Boot's virtual threads switch, a value
 * that differs from the server's own key, an unknown model or one that only the multi-jvm
 * master can serve, and every violation is reported at once.
 */
class ConcurrencySettingsValidationTests {

	private final WebApplicationContextRunner runner = ConcurrencyContexts.runner();

	@Test
	void platformModelWithBootsVirtualThreadsFailsNamingBothKeys() {
		this.runner.withPropertyValues("concurrency.model=platform", "spring.threads.virtual.enabled=true")
			.run((context) -> assertThat(violation(context).key()).isEqualTo("concurrency.model"))
			.run((context) -> assertThat(violation(context).problem())
				.contains("contradicts spring.threads.virtual.enabled=true"));
	}

	@Test
	void virtualModelWithBootsVirtualThreadsSwitchedOffFailsNamingBothKeys() {
		this.runner.withPropertyValues("concurrency.model=virtual", "spring.threads.virtual.enabled=false")
			.run((context) -> {
				Violation violation = violation(context);
				assertThat(violation.key()).isEqualTo("concurrency.model");
				assertThat(violation.value()).isEqualTo("virtual");
				assertThat(violation.problem()).contains("spring.threads.virtual.enabled=false");
			});
	}

	@Test
	void maxThreadsThatDifferFromTomcatsOwnKeyFailNamingBothKeys() {
		this.runner.withPropertyValues("concurrency.platform.max-threads=4", "server.tomcat.threads.max=50")
			.run((context) -> {
				Violation violation = violation(context);
				assertThat(violation.key()).isEqualTo("concurrency.platform.max-threads");
				assertThat(violation.value()).isEqualTo(4);
				assertThat(violation.problem()).contains("server.tomcat.threads.max=50");
				assertThat(violation.action()).contains("server.tomcat.threads.max");
			});
	}

	@Test
	void differingKeepAliveOnJettyFailsEvenWhenWrittenInAnotherUnit() {
		this.runner
			.withPropertyValues("concurrency.keep-alive-timeout=20s", "server.jetty.connection-idle-timeout=5000ms")
			.run((context) -> assertThat(violation(context).problem())
				.contains("server.jetty.connection-idle-timeout=5000ms"));
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource({ "concurrency.platform.max-threads, 0, a whole number from 1 to 10000",
			"concurrency.platform.max-threads, -4, a whole number from 1 to 10000",
			"concurrency.platform.max-threads, 1000000, a whole number from 1 to 10000",
			"concurrency.platform.min-threads, -1, 0 to concurrency.platform.max-threads (200)",
			"concurrency.platform.min-threads, 201, 0 to concurrency.platform.max-threads (200)",
			"concurrency.virtual.max-concurrent-requests, 0, a whole number from 1 to 1000000",
			"concurrency.virtual.max-concurrent-requests, 2000000, a whole number from 1 to 1000000",
			"concurrency.virtual.queue-timeout, -1s, a duration from 0 to 1h",
			"concurrency.virtual.queue-timeout, 2h, a duration from 0 to 1h",
			"concurrency.virtual.min-concurrent-requests, 0, 1 to concurrency.virtual.max-concurrent-requests (10000)",
			"concurrency.virtual.min-concurrent-requests, 10001, 1 to concurrency.virtual.max-concurrent-requests (10000)",
			"concurrency.backlog, 0, a whole number from 1 to 65535",
			"concurrency.backlog, 100000, a whole number from 1 to 65535",
			"concurrency.max-connections, 0, at least concurrency.platform.max-threads (200)",
			"concurrency.max-connections, 199, at least concurrency.platform.max-threads (200)",
			"concurrency.keep-alive-timeout, -5s, a duration from 1ms to 1h",
			"concurrency.keep-alive-timeout, 0s, a duration from 1ms to 1h",
			"concurrency.request-timeout, -2s, a duration from 0 to 1h",
			"concurrency.request-timeout, 2h, a duration from 0 to 1h" })
	void invalidValueFailsStartupNamingTheKeyTheValueAndWhatIsAllowed(String key, String value, String allowed) {
		this.runner.withPropertyValues(key + "=" + value).run((context) -> {
			Violation violation = violation(context);
			assertThat(violation.key()).isEqualTo(key);
			assertThat(String.valueOf(violation.value())).isEqualTo(value);
			assertThat(violation.problem()).contains("allowed: " + allowed);
			assertThat(String.valueOf(violation.origin())).contains(key);
		});
	}

	@Test
	void connectionLimitBelowTheVirtualRequestCapFails() {
		this.runner
			.withPropertyValues("concurrency.model=virtual", "concurrency.virtual.max-concurrent-requests=5000",
					"concurrency.max-connections=4000")
			.run((context) -> {
				Violation violation = violation(context);
				assertThat(violation.key()).isEqualTo("concurrency.max-connections");
				assertThat(violation.problem()).contains("at least concurrency.virtual.max-concurrent-requests (5000)");
			});
	}

	@Test
	void everyViolationIsReportedAtOnce() {
		this.runner
			.withPropertyValues("concurrency.platform.max-threads=0", "concurrency.backlog=-1",
					"concurrency.virtual.queue-timeout=-1s")
			.run((context) -> assertThat(exception(context).getViolations()).extracting(Violation::key)
				.containsExactlyInAnyOrder("concurrency.platform.max-threads", "concurrency.backlog",
						"concurrency.virtual.queue-timeout"));
	}

	@Test
	void unknownModelFailsListingTheAllowedModels() {
		this.runner.withPropertyValues("concurrency.model=gevent").run((context) -> {
			assertThat(context).hasFailed();
			String message = messages(context.getStartupFailure());
			assertThat(message).contains("concurrency.model")
				.contains("'gevent' is not a concurrency model; allowed: platform, virtual, multi-jvm");
		});
	}

	@Test
	void multiJvmModelReachingAnApplicationContextFailsBecauseOnlyTheMasterCanServeIt() {
		this.runner.withPropertyValues("concurrency.model=multi-jvm").run((context) -> {
			Violation violation = violation(context);
			assertThat(violation.key()).isEqualTo("concurrency.model");
			assertThat(violation.value()).isEqualTo("multi-jvm");
			assertThat(violation.problem()).startsWith("served by worker JVMs that the master starts")
				.endsWith("allowed here: platform, virtual");
		});
	}

	private static String messages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

}
