package io.github.bootconcurrency.autoconfigure.actuate;

import io.github.bootconcurrency.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.bootconcurrency.autoconfigure.actuate.ConcurrencyEndpoint.ConcurrencyDescriptor;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConcurrencyEndpointAutoConfiguration}.
 */
class ConcurrencyEndpointAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ConcurrencyAutoConfiguration.class, ConcurrencyEndpointAutoConfiguration.class));

	@Test
	void endpointIsAbsentUnlessExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ConcurrencyEndpoint.class));
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
				assertThat(descriptor.jvm().availableProcessors()).isEqualTo(Runtime.getRuntime().availableProcessors());
				assertThat(descriptor.jvm().javaVersion()).isEqualTo(Runtime.version().toString());
				assertThat(descriptor.requests().limit()).isEqualTo(3);
				assertThat(descriptor.requests().inFlight()).isEqualTo(1);
				gate.exit();
				assertThat(context.getBean(ConcurrencyEndpoint.class).concurrency().requests().completed()).isOne();
			});
	}

}
