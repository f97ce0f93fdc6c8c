package io.github.bootconcurrency.autoconfigure.multijvm;

import io.github.bootconcurrency.autoconfigure.server.ServerTranslation;
import org.apache.catalina.connector.Connector;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Makes a worker's Tomcat accept on the listening socket it inherited from the master
 * ({@code shared-socket}), and adds the loopback connector the master probes it on.
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
		if (this.worker.probePort() != 0) {
			if (!(factory instanceof TomcatWebServerFactory tomcat)) {
				throw new IllegalStateException("Cannot add the multi-jvm probe connector to "
						+ factory.getClass().getName());
			}
			Connector probe = new Connector(tomcat.getProtocol());
			probe.setPort(this.worker.probePort());
			probe.setProperty("address", "127.0.0.1");
			tomcat.addAdditionalConnectors(probe);
			this.translation.record("tomcat", "probeConnector", "127.0.0.1:" + this.worker.probePort());
		}
	}

}
