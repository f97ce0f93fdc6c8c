package io.github.bootconcurrency.autoconfigure.multijvm.startup;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlProtocol;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlProtocolMismatchException;
import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the decision of {@link MultiJvmEnvironmentPostProcessor}: which JVM becomes a
 * master. Each environment has a worker count no master accepts, so a JVM that would
 * become one stops with that error before anything starts.
 */
class MultiJvmEnvironmentPostProcessorTests {

	private final List<String> warnings = new CopyOnWriteArrayList<>();

	@ParameterizedTest
	@ValueSource(strings = { "none", "${TYPE:none}" })
	void nonWebApplicationStartsNoMasterAndSaysSo(String type) {
		MockEnvironment environment = multiJvm().withProperty("spring.main.web-application-type", type);
		processor().postProcessEnvironment(environment, new SpringApplication());
		assertThat(this.warnings).singleElement()
			.asString()
			.contains("concurrency.model=multi-jvm")
			.contains("not a servlet web application (none)")
			.contains("runs as it is");
	}

	@Test
	void applicationWithoutAServletContainerStartsNoMaster() {
		SpringApplication application = new SpringApplication();
		application.setWebApplicationType(WebApplicationType.NONE);
		processor().postProcessEnvironment(multiJvm(), application);
		assertThat(this.warnings).singleElement().asString().contains("not a servlet web application (none)");
	}

	@Test
	void servletApplicationBecomesTheMaster() {
		// The master's configuration check is the first thing it does.
		MockEnvironment environment = multiJvm().withProperty("spring.main.web-application-type", "servlet");
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> processor().postProcessEnvironment(environment, new SpringApplication()))
			.withMessageContaining("concurrency.multi-jvm.workers");
		assertThat(this.warnings).isEmpty();
	}

	@Test
	void aWorkerWhoseMasterSpeaksAnotherControlProtocolFailsBeforeAnythingStarts() {
		// As after a reload with a jar of another version: the master set its own. The
		// parent as master: were the worker to go on, it would watch a live master.
		Map<String, String> worker = Map.of(WorkerEnvironment.ID, "1", WorkerEnvironment.MASTER_PID,
				Long.toString(ProcessHandle.current().parent().orElseThrow().pid()), ControlProtocol.VERSION_PROPERTY,
				"2");
		assertThatExceptionOfType(ControlProtocolMismatchException.class).isThrownBy(
				() -> processor(worker::get).postProcessEnvironment(new StandardEnvironment(), new SpringApplication()))
			.withMessage("This multi-jvm worker speaks control protocol 1, its master 2: restart the master; "
					+ "a reload cannot change the protocol");
	}

	private static MockEnvironment multiJvm() {
		return new MockEnvironment().withProperty("concurrency.model", "multi-jvm")
			.withProperty("concurrency.multi-jvm.workers", "0");
	}

	private MultiJvmEnvironmentPostProcessor processor() {
		return processor((name) -> null);
	}

	private MultiJvmEnvironmentPostProcessor processor(Function<String, @Nullable String> systemProperties) {
		Log log = (Log) Proxy.newProxyInstance(Log.class.getClassLoader(), new Class<?>[] { Log.class },
				(proxy, method, args) -> {
					if (method.getName().equals("warn")) {
						this.warnings.add(String.valueOf(args[0]));
					}
					return method.getReturnType().equals(boolean.class) ? true : null;
				});
		return new MultiJvmEnvironmentPostProcessor((destination) -> log, systemProperties);
	}

}
