package io.github.bootconcurrency.autoconfigure.multijvm.worker.socket;

import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.NioEndpoint;

/**
 * Tomcat's NIO protocol for a worker that accepts on the socket it shares with the other
 * workers ({@code shared-socket}) only while it has room for another request
 * ({@link BelowCapAccept}). Public, with a constructor without arguments, because Tomcat
 * creates its protocol from a class name; for the multi-jvm worker's own use.
 */
public class BelowCapNioProtocol extends Http11NioProtocol {

	private final Endpoint endpoint;

	/**
	 * Create the protocol, which accepts as Tomcat's own until it is given a gate.
	 */
	public BelowCapNioProtocol() {
		this(new Endpoint());
	}

	private BelowCapNioProtocol(Endpoint endpoint) {
		super(endpoint);
		this.endpoint = endpoint;
	}

	void acceptBelowCapOf(RequestGate gate) {
		this.endpoint.gate = gate;
	}

	/**
	 * Tomcat's NIO endpoint, whose acceptor waits for room before it takes a connection.
	 */
	private static final class Endpoint extends NioEndpoint {

		private volatile RequestGate gate;

		private BelowCapAccept accept;

		@Override
		protected SocketChannel serverSocketAccept() throws Exception {
			RequestGate gate = this.gate;
			if (gate == null || !(getServerSocket() instanceof ServerSocketChannel listening)) {
				return super.serverSocketAccept();
			}
			// Tomcat runs one acceptor thread.
			if (this.accept == null) {
				this.accept = new BelowCapAccept(listening, gate, BelowCapAccept.GRACE);
			}
			return this.accept.accept();
		}

	}

}
