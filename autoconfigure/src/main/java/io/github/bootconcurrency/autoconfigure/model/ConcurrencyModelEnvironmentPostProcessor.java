package io.github.bootconcurrency.autoconfigure.model;

import java.util.Map;

import io.github.bootconcurrency.autoconfigure.scope.PostProcessorOrders;
import io.github.bootconcurrency.autoconfigure.scope.StarterScope;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Switches on Spring Boot's {@code spring.threads.virtual.enabled} when the virtual model
 * is chosen, so that the rest of the app ({@code @Async}, scheduling, Boot's task
 * executors) runs on virtual threads too, as a user of the virtual model expects.
 *
 * <p>
 * It only adds a default at the lowest precedence: a value the user set is never
 * overridden, and a contradiction is left for {@link ModelDecision} to report at startup.
 */
class ConcurrencyModelEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY_SOURCE_NAME = "concurrencyModelDefaults";

	@Override
	public int getOrder() {
		return PostProcessorOrders.CONCURRENCY_MODEL;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (StarterScope.isOff(environment, application)
				|| environment.containsProperty(ModelDecision.VIRTUAL_THREADS_KEY)) {
			return;
		}
		if (ModelDecision.chosen(environment).orElse(null) == ConcurrencyModel.VIRTUAL) {
			environment.getPropertySources()
				.addLast(
						new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of(ModelDecision.VIRTUAL_THREADS_KEY, "true")));
		}
	}

}
