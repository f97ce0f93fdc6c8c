package io.github.bootconcurrency.autoconfigure.multijvm.worker.socket;

import java.util.ArrayList;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.forwarding.ForwardedHeadersValve;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.forwarding.WorkerForwarding;
import io.github.bootconcurrency.autoconfigure.server.CustomizerOrders;
import io.github.bootconcurrency.autoconfigure.server.ServerTranslation;

import org.apache.catalina.Valve;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.AbstractProtocol;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Makes a worker's Tomcat accept on the listening socket it inherited from the master
 * ({@code shared-socket}), bounding the time its clients take to send a request header
 * there ({@link HeaderDeadlineSweeper}), and drop the forwarding headers of requests it
 * does not trust ({@link ForwardedHeadersValve}) under either balancer. On the shared
 * socket, it accepts only while it has room for another request
 * ({@link BelowCapNioProtocol}).
 */
public class TomcatWorkerCustomizer implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

	private static final Log logger = LogFactory.getLog(TomcatWorkerCustomizer.class);

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
	public TomcatWorkerCustomizer(WorkerEnvironment worker, ServerTranslation translation, WorkerForwarding forwarding,
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

	/**
	 * Use the protocol that accepts below the cap in place of Tomcat's default one, the
	 * same but for its acceptor; a protocol the application chose is left alone.
	 */
	private void acceptBelowCap(ConfigurableTomcatWebServerFactory factory) {
		if (factory instanceof TomcatWebServerFactory tomcat
				&& TomcatWebServerFactory.DEFAULT_PROTOCOL.equals(tomcat.getProtocol())) {
			tomcat.setProtocol(BelowCapNioProtocol.class.getName());
		}
		else {
			logger.info("This worker accepts on the shared socket even at its request limit: its Tomcat protocol is "
					+ "not Tomcat's default one");
		}
	}

	@Override
	public void customize(ConfigurableTomcatWebServerFactory factory) {
		if (this.worker.inheritChannel()) {
			acceptBelowCap(factory);
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
				if (this.gate != null && connector.getProtocolHandler() instanceof BelowCapNioProtocol protocol) {
					protocol.acceptBelowCapOf(this.gate);
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
