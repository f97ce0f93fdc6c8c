package io.github.bootconcurrency.autoconfigure.validation.startup;

import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.scope.PostProcessorOrders;
import io.github.bootconcurrency.autoconfigure.scope.StarterScope;
import io.github.bootconcurrency.autoconfigure.scope.StartupWarnings;
import io.github.bootconcurrency.autoconfigure.validation.UnknownSettings;
import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Refuses, before any bean exists, a key under {@code concurrency.*} or
 * {@code fail-fast.*} that is no setting (see {@link UnknownSettings}).
 *
 * <p>
 * It runs after the other post-processors have added their property sources and just
 * before the multi-jvm master takes over the JVM, so a master is checked as an
 * application is. The master checks the configuration again on every reload, before a
 * worker starts with it, so a worker does not check it a third time.
 */
class UnknownSettingsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	private final Log logger;

	UnknownSettingsEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(UnknownSettingsEnvironmentPostProcessor.class);
	}

	@Override
	public int getOrder() {
		return PostProcessorOrders.UNKNOWN_SETTINGS;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (WorkerEnvironment.current().isPresent() || StarterScope.isOff(environment, application)) {
			return;
		}
		UnknownSettings.check(environment, application.getClassLoader(), StartupWarnings.to(this.logger, environment));
	}

}
