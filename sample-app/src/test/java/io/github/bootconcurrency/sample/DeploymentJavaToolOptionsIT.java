package io.github.bootconcurrency.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.Commands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.github.bootconcurrency.sample.SampleAppAsDeployed.container;
import static io.github.bootconcurrency.sample.SampleAppAsDeployed.deployment;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JVM accepts the {@code JAVA_TOOL_OPTIONS} of {@code deploy/kubernetes}'s
 * Deployment: a typo there would stop every pod. A JVM of its own, given them as the
 * container gives them, in the environment; {@link KubernetesManifestsTests} checks what
 * they are worth.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DeploymentJavaToolOptionsIT {

	@Test
	void theJvmStartsWithTheDeploymentsJavaToolOptions() {
		String options = SampleAppAsDeployed
			.environment(container(deployment()), Map.of("concurrency-sample-redis/password", "x"))
			.get("JAVA_TOOL_OPTIONS");
		assertThat(options).as("JAVA_TOOL_OPTIONS of the Deployment").isNotBlank();
		String java = ProcessHandle.current().info().command().orElse("java");
		Commands.Result result = Commands.run(List.of("env", "JAVA_TOOL_OPTIONS=" + options, java, "-version"),
				Duration.ofSeconds(60));
		assertThat(result.exitValue()).as("java -version with JAVA_TOOL_OPTIONS=%s: %s", options, result.output())
			.isZero();
		// The JVM says which options it picked up: they were not ignored.
		assertThat(result.output()).contains("Picked up JAVA_TOOL_OPTIONS: " + options);
	}

}
