package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import java.util.ArrayList;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.server.CustomizerOrders;
import io.github.bootconcurrency.autoconfigure.server.ServerTranslation;

import org.apache.catalina.Valve;
import org.apache.coyote.AbstractProtocol;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Makes a worker's Tomcat accept on the listening socket it inherited from the master
 * ({@code shared-socket}), bounding the time its clients take to send a request header
 * there ({@link HeaderDeadlineSweeper}), and drop the forwarding headers of requests it
 * does not trust ({@link ForwardedHeadersValve}) under either balancer.
 */
class TomcatWorkerCustomizer implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

	private final WorkerEnvironment worker;

	private final ServerTranslation translation;

	private final WorkerForwarding forwarding;

	private final Drain drain;

	private final HeaderDeadlineSweeper headerDeadlines;

	TomcatWorkerCustomizer(WorkerEnvironment worker, ServerTranslation translation, WorkerForwarding forwarding,
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
	public void customize(ConfigurableTomcatWebServerFactory factory) {
		if (this.worker.inheritChannel()) {
			factory.addConnectorCustomizers((connector) -> {
				// Tomcat's NIO endpoint takes System.inheritedChannel() when it is a
				// listening socket, instead of binding server.port itself.
				if (!connector.setProperty("useInheritedChannel", "true")) {
					throw new IllegalStateException("Tomcat's " + connector.getProtocolHandler().getClass().getName()
							+ " cannot accept on an inherited socket: use concurrency.multi-jvm.balancer=proxy");
				}
				this.drain.addConnector(() -> (connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol)
						? protocol.getConnectionCount() : 0);
				TomcatPendingHeaders pendingHeaders = TomcatPendingHeaders.of(connector);
				if (pendingHeaders != null) {
					this.headerDeadlines.watch(pendingHeaders);
				}
			});
			this.translation.record("tomcat", "useInheritedChannel", true);
		}
		// First in the engine, before any valve that reads the headers.
		List<Valve> valves = new ArrayList<>();
		valves.add(new ForwardedHeadersValve(this.forwarding));
		if (this.forwarding.honoursAny()) {
			valves.add(ForwardedHeadersValve.remoteIpValve());
		}
		if (factory instanceof TomcatWebServerFactory tomcat) {
			valves.addAll(tomcat.getEngineValves());
			tomcat.setEngineValves(valves);
		}
		else {
			factory.addEngineValves(valves.toArray(Valve[]::new));
		}
	}

}
