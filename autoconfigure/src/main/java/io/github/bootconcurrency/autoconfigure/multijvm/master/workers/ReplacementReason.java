package io.github.bootconcurrency.autoconfigure.multijvm.master.workers;

import java.util.Locale;

/**
 * Why the master replaced a worker, as the endpoint, the metrics and the log name it.
 * Each replacement has exactly one reason: the first that applied.
 */
public enum ReplacementReason {

	/**
	 * The worker's process ended without being asked to.
	 */
	CRASHED,

	/**
	 * The worker's heartbeat stopped for longer than the timeout, or it reported
	 * deadlocked threads.
	 */
	HUNG,

	/**
	 * The worker served its request budget (max-requests plus its jitter).
	 */
	MAX_REQUESTS,

	/**
	 * The worker's heap after collection stayed over max-heap-after-gc.
	 */
	MAX_HEAP,

	/**
	 * A request on the worker ran past request-timeout plus graceful-timeout and did not
	 * end when interrupted.
	 */
	REQUEST_STUCK,

	/**
	 * The worker's output could no longer be read: its writes would block, or fail.
	 */
	OUTPUT_UNREAD,

	/**
	 * The worker recorded the workers' AOT cache long enough: it is replaced so that its
	 * recording, written as it exits, becomes the cache ({@link AotCacheRecorder}).
	 */
	AOT_CACHE,

	/**
	 * The configuration was reloaded.
	 */
	RELOAD,

	/**
	 * The target number of workers went down.
	 */
	SCALE;

	/**
	 * Return the reason as users read it, such as {@code max-requests}.
	 * @return the reason's name
	 */
	String value() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
