package io.github.bootconcurrency.autoconfigure.actuate;

import io.github.bootconcurrency.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConcurrencyMetricsAutoConfiguration}.
 */
class ConcurrencyMetricsAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				ConcurrencyAutoConfiguration.class, ConcurrencyMetricsAutoConfiguration.class));

	@Test
	void publishesTheGatesLiveFiguresTaggedWithTheModel() {
		this.runner.withPropertyValues("concurrency.model=virtual", "concurrency.virtual.max-concurrent-requests=4")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				RequestGate gate = context.getBean(RequestGate.class);
				assertThat(gate.enter()).isTrue();
				assertThat(gate.enter()).isTrue();
				gate.exit();
				assertThat(registry.get("concurrency.requests.limit").tag("model", "virtual").gauge().value())
					.isEqualTo(4);
				assertThat(registry.get("concurrency.requests.active").tag("model", "virtual").gauge().value())
					.isEqualTo(1);
				assertThat(registry.get("concurrency.requests.peak").tag("model", "virtual").gauge().value())
					.isEqualTo(2);
				assertThat(registry.get("concurrency.requests.completed").tag("model", "virtual").functionCounter()
					.count()).isEqualTo(1);
				assertThat(registry.get("concurrency.requests.waiting").gauge().value()).isZero();
				assertThat(registry.get("concurrency.requests.rejected").functionCounter().count()).isZero();
			});
	}

	@Test
	void backsOffWithoutMicrometerAndTheRestStillStarts() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer."))
			.withPropertyValues("concurrency.model=virtual")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ConcurrencyMeterBinder.class)
				.doesNotHaveBean(MeterFilter.class)
				.hasSingleBean(RequestGate.class));
	}

	@Test
	void dropsTomcatsThreadGaugesUnderTheVirtualModel() {
		this.runner.withPropertyValues("concurrency.model=virtual").run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			registry.gauge("tomcat.threads.busy", -1);
			assertThat(registry.find("tomcat.threads.busy").gauge()).isNull();
		});
	}

	@Test
	void keepsTomcatsThreadGaugesUnderThePlatformModel() {
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			registry.gauge("tomcat.threads.busy", 3);
			assertThat(registry.find("tomcat.threads.busy").gauge()).isNotNull();
			assertThat(registry.get("concurrency.requests.limit").tag("model", "platform").gauge().value())
				.isEqualTo(200);
		});
	}

}
