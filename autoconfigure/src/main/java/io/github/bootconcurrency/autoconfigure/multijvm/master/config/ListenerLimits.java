package io.github.bootconcurrency.autoconfigure.multijvm.master.config;

import java.time.Duration;
import java.util.Optional;

import io.github.bootconcurrency.autoconfigure.settings.OpenFiles;

import org.springframework.util.unit.DataSize;

/**
 * What the {@code proxy} balancer's listener grants one client, so that slow or hostile
 * clients cannot take the master's file descriptors or heap: the same limits a worker's
 * own server applies, read from the same keys, plus a deadline for a request's header.
 *
 * <p>
 * No Undertow type appears here: the configuration holds these limits whether or not
 * Undertow is on the class path; the proxy balancer applies them.
 *
 * @param maxConnections most client connections open at once
 * ({@code concurrency.max-connections}, as the workers resolve it); past it, new ones
 * wait in the listen backlog
 * @param maxHeaderBytes most bytes of a request line and header
 * ({@code server.max-http-request-header-size}); a larger one is answered 400
 * @param headerTimeout longest a client may take to send a request's header, from its
 * first byte ({@code concurrency.multi-jvm.request-header-timeout})
 * @param idleTimeout longest a connection stays open without a request
 * ({@code concurrency.keep-alive-timeout})
 * @param writeTimeout longest a response may wait for a client that takes no data
 * ({@code concurrency.keep-alive-timeout}, as Jetty's idle timeout)
 */
public record ListenerLimits(int maxConnections, int maxHeaderBytes, Duration headerTimeout, Duration idleTimeout,
		Duration writeTimeout) {

	/**
	 * Default of {@code concurrency.multi-jvm.request-header-timeout}.
	 */
	static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Default of {@code server.max-http-request-header-size}, as in Spring Boot.
	 */
	static final DataSize DEFAULT_MAX_HEADER_SIZE = DataSize.ofKilobytes(8);

	/**
	 * Return the limits of a listener whose settings are all left to their defaults.
	 * @param keepAlive how long an idle connection stays open
	 * @return the limits
	 */
	public static ListenerLimits defaults(Duration keepAlive) {
		return new ListenerLimits(8192, (int) DEFAULT_MAX_HEADER_SIZE.toBytes(), DEFAULT_HEADER_TIMEOUT, keepAlive,
				keepAlive);
	}

	/**
	 * Most connections the proxy opens to one worker: each request in flight through the
	 * proxy holds two of the master's file descriptors, and a worker cannot use many more
	 * connections than it handles requests at once.
	 */
	public static final int MAX_CONNECTIONS_PER_WORKER = 1024;

	/**
	 * Descriptors the master uses besides client connections and connections to workers:
	 * jars, the control channel and its connections, pipes to the workers' output.
	 */
	static final int OTHER_DESCRIPTORS = 256;

	/**
	 * Return a warning if an open-file limit is below what the master may open at once
	 * under these limits: it would then fail to accept, or to reach a worker, first.
	 * @param workers the number of workers
	 * @param connectionsPerWorker most connections the proxy opens to one worker
	 * @param openFileLimit the open-file limit, or a negative number if unknown
	 * @return the warning, if any
	 */
	Optional<String> descriptorShortfall(int workers, int connectionsPerWorker, long openFileLimit) {
		long needed = (long) this.maxConnections + (long) workers * connectionsPerWorker + OTHER_DESCRIPTORS;
		if (openFileLimit < 0 || openFileLimit >= needed) {
			return Optional.empty();
		}
		return Optional.of("the master may open up to " + needed + " files (concurrency.max-connections="
				+ this.maxConnections + " client connections, " + connectionsPerWorker + " to each of " + workers
				+ " worker(s), and " + OTHER_DESCRIPTORS + " more), but its open-file limit is " + openFileLimit
				+ ": raise it (ulimit -n, LimitNOFILE) or lower concurrency.max-connections");
	}

	/**
	 * Return this process's open-file limit.
	 * @return the limit, or a negative number if unknown
	 */
	public static long openFileLimit() {
		return OpenFiles.limit();
	}

	/**
	 * Return what a change of these limits on reload names, in the user's words, or an
	 * empty text if nothing changed.
	 * @param next the limits read on reload
	 * @return the keys whose values differ, each preceded by a space
	 */
	String changedKeys(ListenerLimits next) {
		StringBuilder changes = new StringBuilder();
		if (this.maxConnections != next.maxConnections) {
			changes.append(" concurrency.max-connections");
		}
		if (this.maxHeaderBytes != next.maxHeaderBytes) {
			changes.append(" server.max-http-request-header-size");
		}
		if (!this.headerTimeout.equals(next.headerTimeout)) {
			changes.append(" concurrency.multi-jvm.request-header-timeout");
		}
		if (!this.idleTimeout.equals(next.idleTimeout) || !this.writeTimeout.equals(next.writeTimeout)) {
			changes.append(" concurrency.keep-alive-timeout");
		}
		return changes.toString();
	}

}
