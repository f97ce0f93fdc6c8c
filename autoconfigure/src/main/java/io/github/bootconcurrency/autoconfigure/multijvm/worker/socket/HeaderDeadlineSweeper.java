package io.github.bootconcurrency.autoconfigure.multijvm.worker.socket;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;

/**
 * Closes a {@code shared-socket} worker's connections whose request header is not
 * complete within {@code concurrency.multi-jvm.request-header-timeout} of its first byte,
 * as the {@code proxy} balancer's listener does (Undertow's request parse timeout).
 *
 * <p>
 * Neither Tomcat nor Jetty bounds the whole time a client takes to send a header, only
 * the time between two reads: a client that sends a byte of it every few seconds (a
 * slowloris) holds its connection, and a share of the worker's
 * {@code concurrency.max-connections}, for as long as it likes. Each server says which of
 * its connections are in the middle of a header, and since when ({@link PendingHeaders});
 * a daemon thread looks at them a few times per timeout and closes those that are late.
 *
 * <p>
 * Blank lines before a request line are not a header's start to either server, yet each
 * of them resets the server's read timeout: a connection between two requests that keeps
 * reading is closed once the timeout has passed since a sweep first saw it read without a
 * new request. A connection between two requests that reads nothing, or that has sent
 * nothing yet, is the server's idle timeout's.
 */
public final class HeaderDeadlineSweeper implements DisposableBean {

	private static final Log logger = LogFactory.getLog(HeaderDeadlineSweeper.class);

	/**
	 * Longest time between two sweeps: a late header is closed at most this much after
	 * its deadline (less for a short timeout, see {@link #period()}).
	 */
	static final Duration MAX_PERIOD = Duration.ofSeconds(1);

	/**
	 * Shortest time between two sweeps, which each walk every connection.
	 */
	static final Duration MIN_PERIOD = Duration.ofMillis(25);

	private final Duration timeout;

	private final List<PendingHeaders> servers = new CopyOnWriteArrayList<>();

	/**
	 * The connections between two requests that the last sweep saw, by connection: only
	 * the sweeping thread reads and replaces it, under this object's lock.
	 */
	private Map<Object, Reading> betweenRequests = new HashMap<>();

	private ScheduledExecutorService sweeps;

	/**
	 * Create a sweeper.
	 * @param timeout the longest a client may take to send a request's header, from its
	 * first byte
	 */
	public HeaderDeadlineSweeper(Duration timeout) {
		this.timeout = timeout;
	}

	/**
	 * Watch the connections of a server, sweeping them from now on.
	 * @param server the server's connections in the middle of a header
	 */
	synchronized void watch(PendingHeaders server) {
		register(server);
		if (this.sweeps == null) {
			this.sweeps = Executors.newSingleThreadScheduledExecutor(
					Thread.ofPlatform().name("request-header-deadline").daemon().factory());
			long period = period().toNanos();
			this.sweeps.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * Add a server to those each {@link #sweep(long)} looks at, without starting the
	 * thread that sweeps: a test sweeps by itself, at times of its own.
	 * @param server the server's connections in the middle of a header
	 */
	void register(PendingHeaders server) {
		this.servers.add(server);
	}

	/**
	 * Return the time between two sweeps: a quarter of the timeout, so that a late header
	 * is closed within a quarter more, between {@link #MIN_PERIOD} and
	 * {@link #MAX_PERIOD}.
	 * @return the period
	 */
	Duration period() {
		Duration quarter = this.timeout.dividedBy(4);
		if (quarter.compareTo(MIN_PERIOD) < 0) {
			return MIN_PERIOD;
		}
		return (quarter.compareTo(MAX_PERIOD) > 0) ? MAX_PERIOD : quarter;
	}

	private void sweep() {
		// A periodic task that throws is never run again: nothing gets out of here.
		try {
			int closed = sweep(System.nanoTime());
			if (closed > 0 && logger.isDebugEnabled()) {
				logger.debug("Closed " + closed + " connection(s) whose request header took longer than"
						+ " concurrency.multi-jvm.request-header-timeout (" + this.timeout.toMillis() + "ms)");
			}
		}
		catch (Throwable ex) {
			logger.debug("Could not sweep the connections with a late request header", ex);
		}
	}

	/**
	 * Close every connection whose header began at least the timeout before a time, and
	 * every connection between two requests that a sweep saw read at least the timeout
	 * before it with no new request since.
	 * @param now the time, as {@link System#nanoTime()} says it
	 * @return the number of connections closed
	 */
	synchronized int sweep(long now) {
		long timeoutNanos = this.timeout.toNanos();
		int[] closed = { 0 };
		Map<Object, Reading> seen = new HashMap<>();
		for (PendingHeaders server : this.servers) {
			try {
				server.collect((header) -> {
					if (now - header.firstByteNanos() >= timeoutNanos) {
						header.close().run();
						closed[0]++;
					}
				}, (idle) -> {
					Reading reading = Reading.next(this.betweenRequests.get(idle.connection()), idle, now);
					if (reading.readingSince() != null && now - reading.readingSince() >= timeoutNanos) {
						idle.close().run();
						closed[0]++;
					}
					else {
						seen.put(idle.connection(), reading);
					}
				});
			}
			catch (RuntimeException ex) {
				// One server's trouble leaves the others swept.
				logger.debug("Could not sweep the connections of " + server, ex);
			}
		}
		// A connection no longer between two requests (closed, served, in a header)
		// starts afresh when it is again.
		this.betweenRequests = seen;
		return closed[0];
	}

	@Override
	public synchronized void destroy() {
		if (this.sweeps != null) {
			this.sweeps.shutdownNow();
		}
	}

	/**
	 * The connections of a server that are in the middle of a request header, and those
	 * between two requests.
	 */
	@FunctionalInterface
	interface PendingHeaders {

		/**
		 * Pass on each connection that has sent part of a request header and not all of
		 * it, and each that is between two requests: neither in a header nor being
		 * served.
		 * @param pending takes each connection in a header
		 * @param betweenRequests takes each connection between two requests
		 */
		void collect(Consumer<PendingHeader> pending, Consumer<BetweenRequests> betweenRequests);

	}

	/**
	 * A connection in the middle of a request header.
	 *
	 * @param firstByteNanos when the header's first byte was read, as
	 * {@link System#nanoTime()} says it
	 * @param close closes the connection
	 */
	record PendingHeader(long firstByteNanos, Runnable close) {

	}

	/**
	 * A connection between two requests, as a sweep sees it.
	 *
	 * @param connection the connection, the same object at each sweep
	 * @param requests a count, or a time, that changes when a request arrives or is
	 * answered on it
	 * @param reads a count, or a time, that changes when it reads
	 * @param close closes the connection, unless it has left the state it was seen in
	 */
	record BetweenRequests(Object connection, long requests, long reads, Runnable close) {

	}

	/**
	 * What the sweeps saw of a connection between two requests since its last request.
	 *
	 * @param requests its requests when first seen
	 * @param reads its reads at the last sweep
	 * @param readingSince when a sweep first saw it read with no new request, or
	 * {@code null}
	 */
	private record Reading(long requests, long reads, Long readingSince) {

		static Reading next(Reading before, BetweenRequests now, long time) {
			if (before == null || before.requests != now.requests()) {
				// Whatever it read before this look is the last request's.
				return new Reading(now.requests(), now.reads(), null);
			}
			if (before.readingSince == null && before.reads != now.reads()) {
				return new Reading(now.requests(), now.reads(), time);
			}
			return new Reading(now.requests(), now.reads(), before.readingSince);
		}

	}

}
