package io.github.bootconcurrency.autoconfigure.multijvm.worker.socket;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.bootconcurrency.autoconfigure.admission.RequestGate;

/**
 * The listening socket a worker shares with the other workers ({@code shared-socket}), as
 * Jetty's acceptors see it: its {@link #accept()} waits for room for another request
 * ({@link BelowCapAccept}). Jetty takes a channel of its own through
 * {@code ServerConnector.open(ServerSocketChannel)}, where Tomcat needs its endpoint
 * changed.
 *
 * <p>
 * Once the drain has closed the shared socket, an acceptor that calls again waits quietly
 * until Jetty stops it (it interrupts its acceptors and closes this channel), rather than
 * fail at once: Jetty logs a failed accept and tries again every second.
 */
final class BelowCapServerSocketChannel extends ServerSocketChannel {

	private final ServerSocketChannel shared;

	private final BelowCapAccept accept;

	BelowCapServerSocketChannel(ServerSocketChannel shared, RequestGate gate) {
		super(shared.provider());
		this.shared = shared;
		this.accept = new BelowCapAccept(shared, gate, BelowCapAccept.GRACE);
	}

	@Override
	public SocketChannel accept() throws IOException {
		if (!isOpen()) {
			throw new ClosedChannelException();
		}
		try {
			return this.accept.accept();
		}
		catch (ClosedByInterruptException ex) {
			throw ex;
		}
		catch (ClosedChannelException ex) {
			while (isOpen()) {
				if (Thread.interrupted()) {
					Thread.currentThread().interrupt();
					throw new ClosedByInterruptException();
				}
				LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
			}
			throw ex;
		}
	}

	@Override
	public ServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
		this.shared.bind(local, backlog);
		return this;
	}

	@Override
	public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
		this.shared.setOption(name, value);
		return this;
	}

	@Override
	public <T> T getOption(SocketOption<T> name) throws IOException {
		return this.shared.getOption(name);
	}

	@Override
	public Set<SocketOption<?>> supportedOptions() {
		return this.shared.supportedOptions();
	}

	@Override
	public ServerSocket socket() {
		return this.shared.socket();
	}

	@Override
	public SocketAddress getLocalAddress() throws IOException {
		return this.shared.getLocalAddress();
	}

	@Override
	protected void implCloseSelectableChannel() throws IOException {
		// As Jetty closes a channel it inherited itself; the drain has closed it first.
		this.shared.close();
	}

	@Override
	protected void implConfigureBlocking(boolean block) {
		// Always blocking to Jetty, which needs at least one acceptor for it; the shared
		// socket's own mode is BelowCapAccept's.
	}

}
