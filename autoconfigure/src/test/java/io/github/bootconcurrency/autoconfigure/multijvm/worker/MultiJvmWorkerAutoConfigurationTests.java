package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.bootconcurrency.autoconfigure.actuate.ConcurrencyEndpoint;
import io.github.bootconcurrency.autoconfigure.actuate.ConcurrencyEndpointAutoConfiguration;
import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.channel.MasterChannelClient;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.channel.WorkerHeartbeat;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.socket.JettyWorkerCustomizer;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.socket.TomcatWorkerCustomizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MultiJvmWorkerAutoConfiguration}. A worker is made by the system
 * properties the master sets, which these tests set for the time of a run.
 */
@ResourceLock(value = Resources.SYSTEM_PROPERTIES, mode = ResourceAccessMode.READ_WRITE)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MultiJvmWorkerAutoConfigurationTests {

	private static final String[] WORKER = { WorkerEnvironment.ID + "=2", WorkerEnvironment.MASTER_PID + "=1",
			WorkerEnvironment.CHANNEL + "=/tmp/absent/master.sock", WorkerEnvironment.TOKEN + "=t" };

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
	void environmentVariablesWithTheNamesOfTheMastersPropertiesDoNotMakeAWorker() {
		Map<String, Object> variables = Map.of(WorkerEnvironment.ID, "2", WorkerEnvironment.MASTER_PID, "1",
				WorkerEnvironment.CHANNEL, "/tmp/absent/master.sock", WorkerEnvironment.TOKEN, "t");
		this.runner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								variables)))
			.run((context) -> {
				assertThat(context.getEnvironment().getProperty(WorkerEnvironment.ID)).isEqualTo("2");
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(MasterChannelClient.class)
					.doesNotHaveBean(WorkerHeartbeat.class)
					.doesNotHaveBean(WorkerEnvironment.class);
			});
	}

	@Test
	void applicationPropertiesWithTheNamesOfTheMastersPropertiesDoNotMakeAWorker() {
		this.runner.withPropertyValues(WORKER)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(MasterChannelClient.class)
				.doesNotHaveBean(WorkerHeartbeat.class)
				.doesNotHaveBean(WorkerEnvironment.class));
	}

	@Test
	void aWorkerTalksToItsMasterAndReportsWhatItServes() {
		this.runner.withSystemProperties(WORKER).run((context) -> {
			assertThat(context).hasSingleBean(MasterChannelClient.class).hasSingleBean(WorkerHeartbeat.class);
			assertThat(context.getBean(WorkerHeartbeat.class).isRunning()).isTrue();
			ConcurrencyEndpoint endpoint = context.getBean(ConcurrencyEndpoint.class);
			// The master is not there: the view says so by its absence, and the
			// endpoint still answers.
			assertThat(endpoint.concurrency().cluster()).isNull();
			assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> endpoint.control(0, null))
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
			.withSystemProperties(WORKER)
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(WorkerHeartbeat.class)
				.hasSingleBean(TomcatWorkerCustomizer.class)
				.doesNotHaveBean(JettyWorkerCustomizer.class)
				.doesNotHaveBean(ConcurrencyEndpoint.class));
	}

}
