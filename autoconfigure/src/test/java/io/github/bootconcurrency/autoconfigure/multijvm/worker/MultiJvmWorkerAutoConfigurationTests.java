package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import io.github.bootconcurrency.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.bootconcurrency.autoconfigure.actuate.ConcurrencyEndpoint;
import io.github.bootconcurrency.autoconfigure.actuate.ConcurrencyEndpointAutoConfiguration;
import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MultiJvmWorkerAutoConfiguration}.
 */
class MultiJvmWorkerAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConcurrencyAutoConfiguration.class,
				MultiJvmWorkerAutoConfiguration.class, ConcurrencyEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=concurrency");

	@Test
	void aJvmNotStartedByAMasterHasNoChannelAndRefusesToScale() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(MasterChannelClient.class).doesNotHaveBean(WorkerHeartbeat.class);
			ConcurrencyEndpoint endpoint = context.getBean(ConcurrencyEndpoint.class);
			assertThat(endpoint.concurrency().cluster()).isNull();
			assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> endpoint.control(3, null))
				.withMessageContaining("Only the multi-jvm model has workers to scale or reload")
				.withMessageContaining("'platform'");
		});
	}

	@Test
	void aWorkerTalksToItsMasterAndReportsWhatItServes() {
		this.runner
			.withPropertyValues(WorkerEnvironment.ID + "=2", WorkerEnvironment.MASTER_PID + "=1",
					WorkerEnvironment.CHANNEL + "=/tmp/absent/master.sock", WorkerEnvironment.TOKEN + "=t")
			.run((context) -> {
				assertThat(context).hasSingleBean(MasterChannelClient.class).hasSingleBean(WorkerHeartbeat.class);
				assertThat(context.getBean(WorkerHeartbeat.class).isRunning()).isTrue();
				ConcurrencyEndpoint endpoint = context.getBean(ConcurrencyEndpoint.class);
				// The master is not there: the view says so by its absence, and the
				// endpoint still answers.
				assertThat(endpoint.concurrency().cluster()).isNull();
				assertThatExceptionOfType(InvalidEndpointRequestException.class)
					.isThrownBy(() -> endpoint.control(0, null))
					.withMessageContaining("'workers' = 0 is not allowed; allowed: a whole number from 1 to 256");
				assertThatExceptionOfType(InvalidEndpointRequestException.class)
					.isThrownBy(() -> endpoint.control(null, false))
					.withMessageContaining("Give 'workers'");
			});
	}

	@Test
	void aWorkerWithoutJettyTheActuatorOrUndertowHasWhatItsServerNeedsAndStarts() {
		this.runner
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.jetty.", "org.eclipse.jetty.",
					"org.springframework.boot.actuate.", "io.undertow.", "org.xnio."))
			.withPropertyValues(WorkerEnvironment.ID + "=2", WorkerEnvironment.MASTER_PID + "=1",
					WorkerEnvironment.CHANNEL + "=/tmp/absent/master.sock", WorkerEnvironment.TOKEN + "=t")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(WorkerHeartbeat.class)
				.hasSingleBean(TomcatWorkerCustomizer.class)
				.doesNotHaveBean(JettyWorkerCustomizer.class)
				.doesNotHaveBean(ConcurrencyEndpoint.class));
	}

}
