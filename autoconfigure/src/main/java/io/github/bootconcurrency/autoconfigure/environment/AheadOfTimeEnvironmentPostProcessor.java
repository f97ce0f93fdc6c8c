package io.github.bootconcurrency.autoconfigure.environment;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.AotDetector;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.context.aot.AbstractAotProcessor;
import org.springframework.core.NativeDetector;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Stops the application, before anything else runs, when it is processed ahead of time or
 * runs with what such processing generated, native images included.
 *
 * <p>
 * Ahead-of-time processing evaluates the auto-configurations' conditions once, at build
 * time: the concurrency model the build's profiles chose would be frozen into the
 * application, whatever profile it later runs with, and under {@code multi-jvm} the
 * processing itself would become a master and start workers. An environment
 * post-processor runs both while Spring AOT processes the application and when the
 * application starts, before the multi-jvm master could take over.
 */
class AheadOfTimeEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	@Override
	public int getOrder() {
		// First, but once the configuration is loaded: concurrency.enabled=false in a
		// file turns this check off too.
		return ConfigDataEnvironmentPostProcessor.ORDER + 1;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (StarterScope.isOff(environment, application)) {
			return;
		}
		String detected = detect();
		if (detected != null) {
			throw new AheadOfTimeUnsupportedException(detected);
		}
	}

	/**
	 * Return what shows that ahead-of-time processing or its output is in use.
	 * @return the evidence, or {@code null} if there is none
	 */
	static @Nullable String detect() {
		if (Boolean.getBoolean(AbstractAotProcessor.AOT_PROCESSING)) {
			return "a Spring AOT build (" + AbstractAotProcessor.AOT_PROCESSING + "=true, as spring-boot:process-aot "
					+ "and native image builds set it)";
		}
		if (NativeDetector.inNativeImage()) {
			return "a GraalVM native image";
		}
		if (AotDetector.useGeneratedArtifacts()) {
			return "an application run with ahead-of-time generated code (" + AotDetector.AOT_ENABLED + "=true)";
		}
		return null;
	}

}
