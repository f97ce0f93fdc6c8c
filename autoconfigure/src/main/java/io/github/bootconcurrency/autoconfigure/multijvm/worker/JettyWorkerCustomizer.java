package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.server.CustomizerOrders;
import io.github.bootconcurrency.autoconfigure.server.ServerTranslation;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Makes a worker's Jetty accept on the listening socket it inherited from the master
 * ({@code shared-socket}), bounding the time its clients take to send a request header
 * there ({@link HeaderDeadlineSweeper}), and drop the forwarding headers of requests it
 * does not trust ({@link ForwardedHeadersCustomizer}) under either balancer.
 */
class JettyWorkerCustomizer implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory>, Ordered {

	private final WorkerEnvironment worker;

	private final ServerTranslation translation;

	private final WorkerForwarding forwarding;

	private final Drain drain;

	private final HeaderDeadlineSweeper headerDeadlines;

	JettyWorkerCustomizer(WorkerEnvironment worker, ServerTranslation translation, WorkerForwarding forwarding,
			Drain drain, HeaderDeadlineSweeper headerDeadlines) {
		this.worker = worker;
		this.translation = translation;
		this.forwarding = forwarding;
		this.drain = drain;
		this.headerDeadlines = headerDeadlines;
	}

	@Override
	public int getOrder() {
		return CustomizerOrders.WORKER;
	}

	@Override
	public void customize(ConfigurableJettyWebServerFactory factory) {
		factory.addServerCustomizers(this::customize);
	}

	private void customize(Server server) {
		for (Connector connector : server.getConnectors()) {
			if (this.worker.inheritChannel() && connector instanceof ServerConnector serverConnector) {
				serverConnector.setInheritChannel(true);
				this.drain.addConnector(() -> serverConnector.getConnectedEndPoints().size());
				this.headerDeadlines.watch(new JettyPendingHeaders(serverConnector));
			}
			ForwardedHeadersCustomizer forwarded = new ForwardedHeadersCustomizer(this.forwarding);
			for (ConnectionFactory factory : connector.getConnectionFactories()) {
				if (factory instanceof HttpConfiguration.ConnectionFactory http) {
					forwarded.addTo(http.getHttpConfiguration());
				}
			}
		}
		if (this.worker.inheritChannel()) {
			this.translation.record("jetty", "inheritChannel", true);
		}
	}

}
