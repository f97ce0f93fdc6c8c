package io.github.bootconcurrency.autoconfigure.admission;

import java.util.List;

import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;
import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;
import io.github.bootconcurrency.autoconfigure.validation.OptionalLibraryMissingException;

import org.springframework.core.env.Environment;

/**
 * Checks, before a gate is built, that an adaptive limit can run: its algorithm is
 * Netflix's concurrency-limits library, which the starter declares optional so that
 * applications with a fixed limit do not carry it. Without this check the application
 * would fail with a {@link NoClassDefFoundError} that names neither the key nor the
 * artifact.
 */
public final class AdaptiveLimitRequirement {

	/**
	 * The dependency that brings the algorithm: the version the starter is built and
	 * tested with.
	 */
	public static final String DEPENDENCY = "com.netflix.concurrency-limits:concurrency-limits-core:0.5.4";

	/**
	 * Classes the adaptive limit cannot run without.
	 */
	static final List<String> REQUIRED_CLASSES = List.of("com.netflix.concurrency.limits.limit.Gradient2Limit",
			"com.netflix.concurrency.limits.limiter.AbstractLimiter");

	private AdaptiveLimitRequirement() {
	}

	/**
	 * Check that the limit of some settings can run with a class loader's classes: in a
	 * multi-jvm master, the workers' settings, so that no worker is started to fail
	 * alike.
	 * @param settings the settings in force, or the workers' in a master
	 * @param environment the environment they were read from, to say where the limit was
	 * chosen
	 * @param classLoader the application's class loader
	 * @throws AdaptiveLimitUnavailableException if the limit is adaptive and a class it
	 * needs is missing
	 */
	public static void check(ConcurrencySettings settings, Environment environment, ClassLoader classLoader) {
		if (settings.adaptiveLimit()) {
			check(environment, classLoader);
		}
	}

	private static void check(Environment environment, ClassLoader classLoader) {
		List<String> missing = OptionalLibraryMissingException.missing(REQUIRED_CLASSES, classLoader);
		if (missing.isEmpty()) {
			return;
		}
		ConfiguredValue configured = ConfiguredValue.find(environment, "concurrency.virtual.limit");
		String setting = (configured != null) ? configured.describe() : "concurrency.virtual.limit=adaptive";
		throw new AdaptiveLimitUnavailableException(setting, List.of(environment.getActiveProfiles()), missing,
				DEPENDENCY);
	}

	/**
	 * Make a gate's limit adaptive if the settings say so, once {@link #check checked}.
	 * @param gate the gate, created with the highest limit
	 * @param settings the settings in force
	 * @return the gate
	 */
	public static RequestGate apply(RequestGate gate, ConcurrencySettings settings) {
		if (settings.adaptiveLimit()) {
			// The one reference to AdaptiveLimiter: the JVM loads it, and the library,
			// only here.
			AdaptiveLimiter.attach(gate, settings.minRequestLimit());
		}
		return gate;
	}

}
