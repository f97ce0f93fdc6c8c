package io.github.bootconcurrency.autoconfigure.aot;

import javax.lang.model.element.Modifier;

import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.model.ModelDecision;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.generate.GeneratedMethod;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.Environment;

/**
 * Writes the concurrency model chosen at build time into the code that ahead-of-time
 * processing generates, with a call to {@link AheadOfTimeModel#verify} that runs first
 * when the application starts.
 *
 * <p>
 * {@code multi-jvm} is refused here too, not only by
 * {@link AheadOfTimeEnvironmentPostProcessor}: a context processed without
 * {@code SpringApplication} (a test's AOT processing) has no environment post-processors,
 * and a master, which relaunches the JVM, cannot be frozen into generated code.
 */
class AheadOfTimeModelAotProcessor implements BeanFactoryInitializationAotProcessor {

	@Override
	public @Nullable BeanFactoryInitializationAotContribution processAheadOfTime(
			ConfigurableListableBeanFactory beanFactory) {
		// The starter's auto-configuration backed off (not a servlet application): no
		// model is frozen, so there is nothing to check.
		if (beanFactory.getBeanNamesForType(ConcurrencySettings.class, true, false).length == 0) {
			return null;
		}
		Environment environment = beanFactory.getBean(Environment.class);
		// An invalid choice fails the build here, with the same analysis as at startup.
		ConcurrencyModel model = ModelDecision.resolve(environment).model();
		if (model == ConcurrencyModel.MULTI_JVM) {
			String detected = AheadOfTimeEnvironmentPostProcessor.detect();
			throw new AheadOfTimeUnsupportedException(
					(detected != null) ? detected : "ahead-of-time processing of the application context",
					AheadOfTimeModel.describe(environment));
		}
		String reason = AheadOfTimeModel.describe(environment);
		return (generationContext, code) -> {
			GeneratedMethod method = code.getMethods()
				.add("verifyConcurrencyModel",
						(builder) -> builder
							.addJavadoc("Stop if the settings at startup choose another concurrency model than $S.",
									model.value())
							.addModifiers(Modifier.PRIVATE, Modifier.STATIC)
							.addParameter(Environment.class, "environment")
							.addStatement("$T.verify(environment, $T.$L, $S)", AheadOfTimeModel.class,
									ConcurrencyModel.class, model.name(), reason));
			code.addInitializer(method.toMethodReference());
		};
	}

}
