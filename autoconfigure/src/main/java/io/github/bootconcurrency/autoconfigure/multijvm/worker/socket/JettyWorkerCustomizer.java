package io.github.bootconcurrency.autoconfigure.multijvm.worker.socket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;

import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.forwarding.ForwardedHeadersCustomizer;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.forwarding.WorkerForwarding;
import io.github.bootconcurrency.autoconfigure.server.CustomizerOrders;
import io.github.bootconcurrency.autoconfigure.server.ServerTranslation;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Makes a worker's Jetty accept on the listening socket it inherited from the master
 * ({@code shared-socket}), bounding the time its clients take to send a request header
 * there ({@link HeaderDeadlineSweeper}), and drop the forwarding headers of requests it
 * does not trust ({@link ForwardedHeadersCustomizer}) under either balancer. On the
 * shared socket, it accepts only while it has room for another request
 * ({@link BelowCapServerSocketChannel}).
 */
public class JettyWorkerCustomizer implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory>, Ordered {

	private final WorkerEnvironment worker;

	private final ServerTranslation translation;

	private final WorkerForwarding forwarding;

	private final Drain drain;

	private final HeaderDeadlineSweeper headerDeadlines;

	private final @Nullable RequestGate gate;

	/**
	 * Create a customizer.
	 * @param worker this worker's environment
	 * @param translation the record of the settings translated to the server
	 * @param forwarding the forwarding headers the worker honours
	 * @param drain the worker's drain, which counts the server's open connections
	 * @param headerDeadlines the sweeper that bounds the time a request's header takes
	 * @param gate the gate of requests in flight, if any: the server accepts below its
	 * cap
	 */
	public JettyWorkerCustomizer(WorkerEnvironment worker, ServerTranslation translation, WorkerForwarding forwarding,
			Drain drain, HeaderDeadlineSweeper headerDeadlines, @Nullable RequestGate gate) {
		this.worker = worker;
		this.translation = translation;
		this.forwarding = forwarding;
		this.drain = drain;
		this.headerDeadlines = headerDeadlines;
		this.gate = gate;
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
				inheritChannel(serverConnector);
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

	/**
	 * Accept on the inherited socket, through a channel that waits for room for another
	 * request; with no acceptor thread (Jetty then accepts in a selector), on the socket
	 * itself, even at the request limit.
	 */
	private void inheritChannel(ServerConnector connector) {
		try {
			Channel inherited = System.inheritedChannel();
			if (this.gate != null && connector.getAcceptors() > 0
					&& inherited instanceof ServerSocketChannel listening) {
				connector.open(new BelowCapServerSocketChannel(listening, this.gate));
			}
			else {
				connector.setInheritChannel(true);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
