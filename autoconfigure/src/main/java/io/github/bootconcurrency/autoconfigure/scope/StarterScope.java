package io.github.bootconcurrency.autoconfigure.scope;

import java.util.List;
import java.util.Locale;

import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;
import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import io.github.bootconcurrency.autoconfigure.validation.Violation;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.context.reactive.ConfigurableReactiveWebEnvironment;
import org.springframework.core.env.Environment;

/**
 * Whether the starter acts on an application at all. It does nothing when
 * {@code concurrency.enabled} is {@code false}, and nothing in a reactive web
 * application, which it cannot serve: there is no servlet container for it to size nor a
 * filter chain for its gate.
 *
 * <p>
 * Every part of the starter that runs on its own asks here first: the environment
 * post-processors, which Spring Boot runs for every application that has the starter on
 * its class path, the auto-configurations (through {@link ConditionalOnStarterEnabled})
 * and the failure analyzer that explains any unresolved placeholder. So an application
 * where the starter is off is the application without it.
 */
public final class StarterScope {

	/**
	 * The key that turns the starter off.
	 */
	public static final String ENABLED_KEY = "concurrency.enabled";

	/**
	 * Spring Boot's key for the kind of application, which wins over what its class path
	 * suggests.
	 */
	public static final String WEB_APPLICATION_TYPE_KEY = "spring.main.web-application-type";

	private StarterScope() {
	}

	/**
	 * Return why the starter does nothing in an application that is starting.
	 * @param environment the environment, with the configuration loaded
	 * @param application the application
	 * @return why, or {@code null} if the starter acts
	 * @throws InvalidSettingsException if {@code concurrency.enabled} is neither
	 * {@code true} nor {@code false}
	 */
	public static @Nullable String offBecause(Environment environment, @Nullable SpringApplication application) {
		WebApplicationType deduced = (application != null) ? application.getWebApplicationType() : null;
		return offBecause(environment, deduced);
	}

	/**
	 * Return why the starter does nothing in an application, from its environment alone.
	 * @param environment the environment, with the configuration loaded
	 * @return why, or {@code null} if the starter acts
	 * @throws InvalidSettingsException if {@code concurrency.enabled} is neither
	 * {@code true} nor {@code false}
	 */
	public static @Nullable String offBecause(Environment environment) {
		return offBecause(environment, (WebApplicationType) null);
	}

	/**
	 * Return whether the starter does nothing in an application that is starting.
	 * @param environment the environment, with the configuration loaded
	 * @param application the application
	 * @return whether it is off
	 */
	public static boolean isOff(Environment environment, @Nullable SpringApplication application) {
		return offBecause(environment, application) != null;
	}

	private static @Nullable String offBecause(Environment environment, @Nullable WebApplicationType deduced) {
		if (!isEnabled(environment)) {
			return ENABLED_KEY + " is false";
		}
		if (isReactive(environment, deduced)) {
			return "reactive web application";
		}
		return null;
	}

	private static boolean isEnabled(Environment environment) {
		ConfiguredValue enabled = ConfiguredValue.find(environment, ENABLED_KEY);
		if (enabled == null) {
			return true;
		}
		String resolved = resolved(environment, enabled);
		String value = resolved.trim().toLowerCase(Locale.ROOT);
		if (!value.equals("true") && !value.equals("false")) {
			// Spring Boot's conditions would read any other value as false, and turn the
			// starter off on a typo.
			throw new InvalidSettingsException(
					List.of(Violation.notAllowed(enabled, ENABLED_KEY, resolved, "true or false")),
					List.of(environment.getActiveProfiles()));
		}
		return value.equals("true");
	}

	private static boolean isReactive(Environment environment, @Nullable WebApplicationType deduced) {
		return webApplicationType(environment, deduced) == WebApplicationType.REACTIVE;
	}

	/**
	 * Return the kind of application as Spring Boot will apply it:
	 * {@code spring.main.web-application-type} when it is set, else what the class path
	 * suggests.
	 * @param environment the environment, with the configuration loaded
	 * @param deduced what the class path suggests, or {@code null} if unknown
	 * @return the kind, or {@code null} if unknown (or not one Spring Boot accepts, which
	 * it refuses on its own)
	 */
	public static @Nullable WebApplicationType webApplicationType(Environment environment,
			@Nullable WebApplicationType deduced) {
		// The key is bound to the application only after the environment
		// post-processors have run, so it is read here, as it will then be applied.
		ConfiguredValue type = ConfiguredValue.find(environment, WEB_APPLICATION_TYPE_KEY);
		if (type != null) {
			String value = resolved(environment, type).trim().replace('-', '_').toUpperCase(Locale.ROOT);
			for (WebApplicationType candidate : WebApplicationType.values()) {
				if (candidate.name().equals(value)) {
					return candidate;
				}
			}
			return null;
		}
		if (environment instanceof ConfigurableReactiveWebEnvironment) {
			return WebApplicationType.REACTIVE;
		}
		return deduced;
	}

	/**
	 * The value as Spring Boot will apply it. {@link ConfiguredValue} finds the key in
	 * any relaxed form and names where it was set, but holds the raw value: a
	 * {@code ${STARTER_ON:false}} must turn the starter off, as it does Spring Boot's own
	 * conditions. A placeholder that cannot be resolved is left as it is, and so refused.
	 */
	private static String resolved(Environment environment, ConfiguredValue configured) {
		return environment.resolvePlaceholders(String.valueOf(configured.value()));
	}

}
