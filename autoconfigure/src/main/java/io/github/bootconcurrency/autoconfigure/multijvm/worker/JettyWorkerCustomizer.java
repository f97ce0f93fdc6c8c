package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.server.ServerTranslation;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Makes a worker's Jetty accept on the listening socket it inherited from the master
 * ({@code shared-socket}).
 */
class JettyWorkerCustomizer implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory>, Ordered {

	private final WorkerEnvironment worker;

	private final ServerTranslation translation;

	JettyWorkerCustomizer(WorkerEnvironment worker, ServerTranslation translation) {
		this.worker = worker;
		this.translation = translation;
	}

	@Override
	public int getOrder() {
		return 50;
	}

	@Override
	public void customize(ConfigurableJettyWebServerFactory factory) {
		factory.addServerCustomizers(this::customize);
	}

	private void customize(Server server) {
		if (this.worker.inheritChannel()) {
			for (Connector connector : server.getConnectors()) {
				if (connector instanceof ServerConnector serverConnector) {
					serverConnector.setInheritChannel(true);
				}
			}
			this.translation.record("jetty", "inheritChannel", true);
		}
	}

}
