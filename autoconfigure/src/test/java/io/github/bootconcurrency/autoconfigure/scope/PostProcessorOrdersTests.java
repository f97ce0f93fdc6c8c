package io.github.bootconcurrency.autoconfigure.scope;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.boot.support.EnvironmentPostProcessorsFactory;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's environment post-processors, as Spring Boot loads and sorts them from
 * {@code spring.factories}, run in the sequence {@link PostProcessorOrders} states, each
 * at its constant.
 */
class PostProcessorOrdersTests {

	private static final String PACKAGE = "io.github.bootconcurrency.autoconfigure.";

	@Test
	void springBootRunsThemInTheStatedSequence() {
		DeferredLogFactory logs = (destination) -> destination.get();
		List<EnvironmentPostProcessor> processors = EnvironmentPostProcessorsFactory
			.fromSpringFactories(getClass().getClassLoader())
			.getEnvironmentPostProcessors(logs, new DefaultBootstrapContext())
			.stream()
			.filter((processor) -> processor.getClass().getName().startsWith(PACKAGE))
			.toList();
		assertThat(processors).extracting((processor) -> processor.getClass().getName().substring(PACKAGE.length()))
			.containsExactly("scope.StarterScopeEnvironmentPostProcessor",
					"profiles.UnknownProfileEnvironmentPostProcessor", "model.ConcurrencyModelEnvironmentPostProcessor",
					"aot.AheadOfTimeEnvironmentPostProcessor",
					"validation.startup.UnknownSettingsEnvironmentPostProcessor",
					"multijvm.startup.MultiJvmEnvironmentPostProcessor");
		assertThat(processors).extracting((processor) -> ((Ordered) processor).getOrder())
			.containsExactly(PostProcessorOrders.STARTER_SCOPE, PostProcessorOrders.UNKNOWN_PROFILE,
					PostProcessorOrders.CONCURRENCY_MODEL, PostProcessorOrders.AHEAD_OF_TIME,
					PostProcessorOrders.UNKNOWN_SETTINGS, PostProcessorOrders.MULTI_JVM);
	}

}
