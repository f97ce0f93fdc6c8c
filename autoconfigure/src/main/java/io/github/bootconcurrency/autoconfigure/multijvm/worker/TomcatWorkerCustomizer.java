package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.server.ServerTranslation;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Makes a worker's Tomcat accept on the listening socket it inherited from the master
 * ({@code shared-socket}).
 */
class TomcatWorkerCustomizer implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

	private final WorkerEnvironment worker;

	private final ServerTranslation translation;

	TomcatWorkerCustomizer(WorkerEnvironment worker, ServerTranslation translation) {
		this.worker = worker;
		this.translation = translation;
	}

	@Override
	public int getOrder() {
		// Before the concurrency customizers (100), after Spring Boot's own (0).
		return 50;
	}

	@Override
	public void customize(ConfigurableTomcatWebServerFactory factory) {
		if (this.worker.inheritChannel()) {
			factory.addConnectorCustomizers((connector) -> {
				// Tomcat's NIO endpoint takes System.inheritedChannel() when it is a
				// listening socket, instead of binding server.port itself.
				if (!connector.setProperty("useInheritedChannel", "true")) {
					throw new IllegalStateException("Tomcat's " + connector.getProtocolHandler().getClass().getName()
							+ " cannot accept on an inherited socket: use concurrency.multi-jvm.balancer=proxy");
				}
			});
			this.translation.record("tomcat", "useInheritedChannel", true);
		}
	}

}
