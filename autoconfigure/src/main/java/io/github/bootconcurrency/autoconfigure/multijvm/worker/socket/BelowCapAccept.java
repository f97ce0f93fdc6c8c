package io.github.bootconcurrency.autoconfigure.multijvm.worker.socket;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import io.github.bootconcurrency.autoconfigure.admission.RequestGate;

/**
 * Accepts on the listening socket that a worker shares with the master and the other
 * workers ({@code shared-socket}) only while the worker has room for another request, as
 * a Gunicorn worker whose {@code worker_connections} are all taken stops accepting: the
 * kernel, which hands each connection to whichever worker waits in {@code accept()},
 * would otherwise give a worker at its cap its share of them, whose requests wait at its
 * gate and get {@code 503} while another worker idles.
 *
 * <p>
 * So the worker never waits inside {@code accept()}, where a connection would reach it
 * even once its cap is taken: it waits for a pending connection ({@code poll}), and takes
 * one only while it has room. That needs the socket in non-blocking mode, which the
 * workers share (one open file): each worker's JDK handles it, since a blocking
 * {@code accept} of the JDK waits in {@code poll} when the socket has nothing for it.
 * Every worker waiting is woken by a new connection; the first with room takes it, the
 * others find nothing and wait again.
 *
 * <p>
 * A connection just accepted has not sent its request yet, so its request is not at the
 * gate: a burst of new connections (a client that opens its pool at once) would all be
 * taken by the worker that woke first. So each connection accepted counts against the cap
 * until a request takes a slot, or until no connection has been accepted for
 * {@link #GRACE} (a client that connects and sends nothing does not hold the count).
 *
 * <p>
 * When every worker is at its cap, nobody has room: a connection that no worker with room
 * takes within {@link #GRACE} is taken anyway by a worker at its cap, where its request
 * waits at the gate and is answered {@code 503} past the queue timeout, as it was before,
 * rather than waiting in the backlog for as long as the client waits.
 */
final class BelowCapAccept {

	/**
	 * How long a connection waits for a worker with room before a worker at its cap takes
	 * it.
	 */
	static final Duration GRACE = Duration.ofSeconds(1);

	/**
	 * Longest wait before looking again: at a socket closed by the drain, or at a limit
	 * that an adaptive algorithm raised.
	 */
	private static final long LOOK_AGAIN_MILLIS = 100;

	private final ServerSocketChannel listening;

	private final RequestGate gate;

	private final long graceNanos;

	private final ReentrantLock lock = new ReentrantLock();

	private volatile Thread waitingForRoom;

	private final AtomicInteger notYetAtTheGate = new AtomicInteger();

	private volatile long lastAccepted;

	private Selector selector;

	/**
	 * Accept on a socket below a gate's cap.
	 * @param listening the shared listening socket
	 * @param gate the worker's request gate
	 * @param grace how long a pending connection is left to workers with room
	 */
	BelowCapAccept(ServerSocketChannel listening, RequestGate gate, Duration grace) {
		this.listening = listening;
		this.gate = gate;
		this.graceNanos = grace.toNanos();
		gate.setSlotListener(new RequestGate.SlotListener() {

			@Override
			public void admitted() {
				BelowCapAccept.this.notYetAtTheGate.getAndUpdate((count) -> Math.max(0, count - 1));
			}

			@Override
			public void released() {
				slotFreed();
			}

		});
	}

	/**
	 * Wait for a connection while this worker has room (or no worker takes it within the
	 * grace), and accept it.
	 * @return the connection
	 * @throws ClosedChannelException if the socket is closed (by the drain), or the
	 * thread interrupted ({@link ClosedByInterruptException}, the socket left open)
	 * @throws IOException if accepting fails
	 */
	SocketChannel accept() throws IOException {
		try {
			this.lock.lockInterruptibly();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ClosedByInterruptException();
		}
		try {
			if (!this.listening.isOpen()) {
				throw new ClosedChannelException();
			}
			return acceptBelowCap(selector());
		}
		finally {
			this.lock.unlock();
		}
	}

	private SocketChannel acceptBelowCap(Selector selector) throws IOException {
		long pendingSince = -1;
		while (true) {
			if (!this.listening.isOpen()) {
				// Closing the selector lets the socket's descriptor go.
				selector.close();
				this.selector = null;
				throw new AsynchronousCloseException();
			}
			if (Thread.interrupted()) {
				Thread.currentThread().interrupt();
				throw new ClosedByInterruptException();
			}
			boolean room = hasRoom();
			if (room || (pendingSince != -1 && System.nanoTime() - pendingSince >= this.graceNanos)) {
				SocketChannel accepted = this.listening.accept();
				if (accepted != null) {
					this.lastAccepted = System.nanoTime();
					this.notYetAtTheGate.incrementAndGet();
					return accepted;
				}
				// Another worker took it.
				pendingSince = -1;
			}
			if (room) {
				selector.select(LOOK_AGAIN_MILLIS);
				selector.selectedKeys().clear();
				continue;
			}
			// At the cap: leave pending connections to the workers with room, and
			// wait for a request of this worker to end.
			boolean pending = selector.selectNow() > 0;
			selector.selectedKeys().clear();
			long now = System.nanoTime();
			long waitNanos = TimeUnit.MILLISECONDS.toNanos(LOOK_AGAIN_MILLIS);
			if (!pending) {
				pendingSince = -1;
			}
			else {
				if (pendingSince == -1) {
					pendingSince = now;
				}
				waitNanos = Math.max(0, Math.min(waitNanos, this.graceNanos - (now - pendingSince)));
			}
			this.waitingForRoom = Thread.currentThread();
			try {
				if (!hasRoom()) {
					LockSupport.parkNanos(this, waitNanos);
				}
			}
			finally {
				this.waitingForRoom = null;
			}
		}
	}

	private Selector selector() throws IOException {
		if (this.selector == null) {
			Selector selector = Selector.open();
			try {
				this.listening.configureBlocking(false);
				this.listening.register(selector, SelectionKey.OP_ACCEPT);
			}
			catch (IOException | RuntimeException ex) {
				selector.close();
				throw ex;
			}
			this.selector = selector;
		}
		return this.selector;
	}

	private boolean hasRoom() {
		int accepted = this.notYetAtTheGate.get();
		if (accepted > 0 && System.nanoTime() - this.lastAccepted > this.graceNanos) {
			this.notYetAtTheGate.set(0);
			accepted = 0;
		}
		return this.gate.getInFlight() + this.gate.getWaiting() + accepted < this.gate.getLimit();
	}

	private void slotFreed() {
		Thread waiting = this.waitingForRoom;
		if (waiting != null) {
			LockSupport.unpark(waiting);
		}
	}

}
