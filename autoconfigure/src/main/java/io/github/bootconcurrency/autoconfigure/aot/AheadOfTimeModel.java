package io.github.bootconcurrency.autoconfigure.aot;

import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.model.ModelDecision;
import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;

import org.springframework.core.env.Environment;

/**
 * The concurrency model of an application processed ahead of time, checked when it
 * starts.
 *
 * <p>
 * Ahead-of-time processing evaluates the auto-configurations' conditions once, at build
 * time, as Spring Boot does for its own {@code spring.threads.virtual.enabled}: the
 * generated code holds the request gate, the server customizers and Boot's threading
 * beans of the model the build's settings chose. {@link AheadOfTimeModelAotProcessor}
 * writes that model into the generated code, which calls {@link #verify} before any bean
 * is created, so that an application started with settings that choose another model
 * stops and says so rather than serving the frozen one.
 */
public final class AheadOfTimeModel {

	private static final String PROFILES_KEY = "spring.profiles.active";

	private static final String INCLUDED_PROFILES_KEY = "spring.profiles.include";

	private AheadOfTimeModel() {
	}

	/**
	 * Check that the settings at startup choose the model the application was built for.
	 * Called by the code that ahead-of-time processing generates.
	 * @param environment the environment at startup
	 * @param builtModel the model chosen at build time
	 * @param builtReason which settings chose it, as {@link #describe} wrote it then
	 * @throws AheadOfTimeModelMismatchException if the settings choose another model
	 */
	public static void verify(Environment environment, ConcurrencyModel builtModel, String builtReason) {
		// An invalid choice is left to the settings bean, which reports it with its
		// analysis as on the JVM.
		ConcurrencyModel started;
		try {
			started = ModelDecision.resolve(environment).model();
		}
		catch (RuntimeException ex) {
			return;
		}
		if (started != builtModel) {
			throw new AheadOfTimeModelMismatchException(builtModel, builtReason, started, describe(environment));
		}
	}

	/**
	 * Describe which settings choose the model: the key, its value and where it was set,
	 * as {@link ModelDecision} chose it, then the profiles as
	 * {@code spring.profiles.active} and {@code spring.profiles.include} set them
	 * (profile groups and profiles added in code are not named). The profiles are read
	 * from the key rather than the environment because, at startup, the generated code
	 * has already added the build's profiles to the environment's active ones.
	 * @param environment the environment, whose model {@link ModelDecision#resolve}
	 * resolves without an error
	 * @return the description, for messages
	 */
	static String describe(Environment environment) {
		String choice = ModelDecision.resolve(environment)
			.choice()
			.orElse("the default, " + ModelDecision.MODEL_KEY + " is not set");
		ConfiguredValue profiles = ConfiguredValue.find(environment, PROFILES_KEY);
		ConfiguredValue included = ConfiguredValue.find(environment, INCLUDED_PROFILES_KEY);
		return choice + ", with " + ((profiles != null) ? profiles.describe() : PROFILES_KEY + " not set")
				+ ((included != null) ? " and " + included.describe() : "");
	}

}
