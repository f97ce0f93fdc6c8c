package io.github.bootconcurrency.autoconfigure.profiles;

import java.util.List;
import java.util.Set;

import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.scope.PostProcessorOrders;
import io.github.bootconcurrency.autoconfigure.scope.StarterScope;
import io.github.bootconcurrency.autoconfigure.scope.StartupWarnings;
import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;
import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.ResourceLoader;

/**
 * Checks, once the configuration is loaded and before any bean exists, that every active
 * profile has configuration. The profile is what picks the environment, and a misspelt
 * one ({@code prdo}) would otherwise start the application with the defaults, with no
 * Redis check and the wrong model, and nothing in the log would say so.
 *
 * <p>
 * {@code fail-fast.profiles.unknown} says what to do: {@code warn} (the default),
 * {@code fail} or {@code ignore}; {@code fail-fast.profiles.known} lists the profiles
 * that only {@code @Profile} beans use. It runs before the multi-jvm master takes over,
 * so a master is checked too, and not again in its workers.
 */
class UnknownProfileEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	private final Log logger;

	UnknownProfileEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(UnknownProfileEnvironmentPostProcessor.class);
	}

	@Override
	public int getOrder() {
		return PostProcessorOrders.UNKNOWN_PROFILE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		List<String> active = List.of(environment.getActiveProfiles());
		if (active.isEmpty() || WorkerEnvironment.current().isPresent()
				|| StarterScope.isOff(environment, application)) {
			return;
		}
		FailFastProfilesProperties properties = Binder.get(environment)
			.bind("fail-fast.profiles", FailFastProfilesProperties.class)
			.orElseGet(FailFastProfilesProperties::new);
		if (properties.getUnknown() == FailFastProfilesProperties.Unknown.IGNORE) {
			return;
		}
		ResourceLoader resourceLoader = (application.getResourceLoader() != null) ? application.getResourceLoader()
				: new DefaultResourceLoader(application.getClassLoader());
		Set<String> configured = ProfileConfiguration.scan(environment, resourceLoader).profiles();
		List<String> unknown = active.stream()
			.filter((profile) -> !configured.contains(profile) && !properties.getKnown().contains(profile))
			.toList();
		if (unknown.isEmpty()) {
			return;
		}
		ConfiguredValue activatedBy = ConfiguredValue.find(environment, "spring.profiles.active");
		UnknownProfileException failure = new UnknownProfileException(unknown, active, configured,
				(activatedBy != null) ? "spring.profiles.active=" + activatedBy.value()
						+ ((activatedBy.origin() != null) ? " in " + activatedBy.origin() : "") : null);
		if (properties.getUnknown() == FailFastProfilesProperties.Unknown.FAIL) {
			throw failure;
		}
		StartupWarnings.to(this.logger, environment)
			.accept(failure.getMessage() + " Check its spelling; if only @Profile beans use it, add it to "
					+ "fail-fast.profiles.known. To stop startup instead, set fail-fast.profiles.unknown=fail.");
	}

}
