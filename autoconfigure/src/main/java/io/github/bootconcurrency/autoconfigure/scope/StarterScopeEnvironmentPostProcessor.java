package io.github.bootconcurrency.autoconfigure.scope;

import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Says once, when the configuration is loaded, that the starter does nothing in this
 * application (see {@link StarterScope}): at {@code INFO} in a reactive web application,
 * where a user who added it would otherwise wonder why nothing changed, at {@code DEBUG}
 * when {@code concurrency.enabled=false} turned it off, as asked. It is also the first to
 * refuse a {@code concurrency.enabled} that is neither true nor false.
 */
class StarterScopeEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	private final Log logger;

	StarterScopeEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(StarterScopeEnvironmentPostProcessor.class);
	}

	@Override
	public int getOrder() {
		return PostProcessorOrders.STARTER_SCOPE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String off = StarterScope.offBecause(environment, application);
		if (off == null) {
			return;
		}
		if (off.startsWith(StarterScope.ENABLED_KEY)) {
			this.logger.debug("concurrency: " + off + ", the starter does nothing");
		}
		else {
			this.logger.info("concurrency: " + off + ", the starter does nothing");
		}
	}

}
