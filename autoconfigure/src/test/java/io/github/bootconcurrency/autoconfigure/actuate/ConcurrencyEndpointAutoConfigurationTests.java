package io.github.bootconcurrency.autoconfigure.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.bootconcurrency.autoconfigure.actuate.ConcurrencyEndpoint.ConcurrencyDescriptor;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConcurrencyEndpointAutoConfiguration}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConcurrencyEndpointAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ConcurrencyAutoConfiguration.class, ConcurrencyEndpointAutoConfiguration.class));

	@Test
	void endpointIsAbsentUnlessExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ConcurrencyEndpoint.class));
	}

	@Test
	void backsOffWithoutTheActuatorAndTheRestStillStarts() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate."))
			.withPropertyValues("management.endpoints.web.exposure.include=concurrency")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ConcurrencyEndpoint.class)
				.hasSingleBean(RequestGate.class));
	}

	@Test
	void exposedEndpointDescribesModelReasonSettingsJvmAndLiveCounters() throws Exception {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=concurrency", "concurrency.model=virtual",
					"concurrency.virtual.max-concurrent-requests=3")
			.run((context) -> {
				RequestGate gate = context.getBean(RequestGate.class);
				assertThat(gate.enter()).isTrue();
				ConcurrencyDescriptor descriptor = context.getBean(ConcurrencyEndpoint.class).concurrency();
				assertThat(descriptor.model()).isEqualTo("virtual");
				assertThat(descriptor.reason()).startsWith("concurrency.model=virtual");
				assertThat(descriptor.gunicornEquivalent()).contains("gevent");
				assertThat(descriptor.settings()).containsEntry("virtual.max-concurrent-requests", 3)
					.containsEntry("virtual.queue-timeout", "30s")
					.containsEntry("backlog", 2048)
					.containsEntry("max-connections", 2051);
				assertThat(descriptor.jvm().availableProcessors())
					.isEqualTo(Runtime.getRuntime().availableProcessors());
				assertThat(descriptor.jvm().javaVersion()).isEqualTo(Runtime.version().toString());
				assertThat(descriptor.requests().limit()).isEqualTo(3);
				assertThat(descriptor.requests().inFlight()).isEqualTo(1);
				gate.exit();
				assertThat(context.getBean(ConcurrencyEndpoint.class).concurrency().requests().completed()).isOne();
			});
	}

	@Test
	void applicationsJacksonSettingsDoNotReshapeTheEndpointsJson() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SnakeCaseApplication.class)
			.profiles("snake")
			.run("--server.port=0", "--management.endpoints.web.exposure.include=concurrency",
					"--spring.jackson.property-naming-strategy=SNAKE_CASE")) {
			String port = context.getEnvironment().getProperty("local.server.port");
			// The application's own JSON does follow its setting.
			assertThat(get(port, "/sample")).contains("\"some_value\"").doesNotContain("someValue");
			assertThat(get(port, "/actuator/concurrency")).contains("\"activeProfiles\":[\"snake\"]")
				.contains("\"gunicornEquivalent\"")
				.contains("\"settingSources\"")
				.contains("\"javaVersion\"")
				.contains("\"inFlight\"")
				.doesNotContain("active_profiles")
				.doesNotContain("gunicorn_equivalent");
		}
	}

	private static String get(String port, String path) throws Exception {
		try (HttpClient client = HttpClient.newHttpClient()) {
			HttpResponse<String> response = client
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
					.timeout(Duration.ofSeconds(10))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			return response.body();
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(
			excludeName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
	@RestController
	static class SnakeCaseApplication {

		@GetMapping("/sample")
		Sample sample() {
			return new Sample("a");
		}

		record Sample(String someValue) {
		}

	}

}
