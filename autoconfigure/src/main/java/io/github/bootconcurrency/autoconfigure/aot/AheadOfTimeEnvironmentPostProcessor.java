package io.github.bootconcurrency.autoconfigure.aot;

import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.model.ModelDecision;
import io.github.bootconcurrency.autoconfigure.scope.PostProcessorOrders;
import io.github.bootconcurrency.autoconfigure.scope.StarterScope;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.AotDetector;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.context.aot.AbstractAotProcessor;
import org.springframework.core.NativeDetector;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Stops a {@code multi-jvm} application when it is processed ahead of time or runs with
 * what such processing generated, native images included, before the master could take
 * over: a master relaunches the application's JVM for each worker, which neither a native
 * image nor a context frozen at build time can be.
 *
 * <p>
 * {@code platform} and {@code virtual} are allowed: their model is fixed at build time,
 * and checked at startup by the generated code (see {@link AheadOfTimeModel}). An
 * environment post-processor runs both while Spring AOT processes the application and
 * when the application starts; this one runs once the profiles' files are loaded, and
 * before the multi-jvm master's.
 */
class AheadOfTimeEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	@Override
	public int getOrder() {
		return PostProcessorOrders.AHEAD_OF_TIME;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (StarterScope.isOff(environment, application)) {
			return;
		}
		String detected = detect();
		if (detected == null) {
			return;
		}
		ConcurrencyModel model;
		try {
			model = ModelDecision.resolve(environment).model();
		}
		catch (RuntimeException ex) {
			// An invalid choice is reported by the settings, with its own analysis.
			return;
		}
		if (model == ConcurrencyModel.MULTI_JVM) {
			throw new AheadOfTimeUnsupportedException(detected, AheadOfTimeModel.describe(environment));
		}
	}

	/**
	 * Return what shows that ahead-of-time processing or its output is in use.
	 * @return the evidence, or {@code null} if there is none
	 */
	static @Nullable String detect() {
		if (Boolean.getBoolean(AbstractAotProcessor.AOT_PROCESSING)) {
			return "a Spring AOT build (" + AbstractAotProcessor.AOT_PROCESSING
					+ "=true, as spring-boot:process-aot and native image builds set it)";
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
