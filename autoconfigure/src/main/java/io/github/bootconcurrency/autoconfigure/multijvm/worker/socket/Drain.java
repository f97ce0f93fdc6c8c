package io.github.bootconcurrency.autoconfigure.multijvm.worker.socket;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The drain of a worker that accepts on the master's socket ({@code shared-socket}): once
 * it has begun, every response tells its client {@code Connection: close}, and the worker
 * waits, bounded, until its clients have closed their connections.
 *
 * <p>
 * A server's own graceful shutdown pauses it: a request that a keep-alive client sends on
 * an idle connection then gets a {@code 503}, or no answer at all once the server closes
 * the connection under it, and a client that does not retry (wrk, most non-Java clients,
 * every POST) counts it as failed. Behind the {@code proxy} balancer the master retries
 * it on another worker; here nobody would. Told to close, the client sends its next
 * request on a new connection, which another worker accepts.
 */
public final class Drain {

	private static final Duration POLL = Duration.ofMillis(20);

	private final List<LongSupplier> openConnections = new CopyOnWriteArrayList<>();

	private volatile boolean begun;

	/**
	 * Count the open connections of one of the server's connectors in the drain.
	 * @param openConnections how many connections it has open
	 */
	void addConnector(LongSupplier openConnections) {
		this.openConnections.add(openConnections);
	}

	/**
	 * Return whether the drain has begun: a response must then close its connection.
	 * @return whether it has begun
	 */
	boolean begun() {
		return this.begun;
	}

	void begin() {
		this.begun = true;
	}

	/**
	 * Wait until no connection is open, or the bound has passed: a connection on which
	 * its client sends nothing more is not told to close, and is closed by the server's
	 * shutdown that follows.
	 * @param bound how long to wait at most
	 * @return how many connections are still open
	 */
	long awaitConnectionsClosed(Duration bound) throws InterruptedException {
		long deadline = System.nanoTime() + bound.toNanos();
		long open = open();
		while (open > 0 && System.nanoTime() < deadline) {
			// The servers give no event for a closed connection that is not theirs to
			// listen to: a short poll, for a few seconds at most.
			Thread.sleep(POLL);
			open = open();
		}
		return open;
	}

	private long open() {
		return this.openConnections.stream().mapToLong(LongSupplier::getAsLong).filter((count) -> count > 0).sum();
	}

}
