package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlRequest;

/**
 * What the master's loop acts on. Signal handlers, process-exit callbacks, the control
 * channel's threads and the work done off the loop only create events and queue them; the
 * loop handles them one at a time, in arrival order, with an exhaustive switch, so that
 * adding an event without handling it does not compile.
 */
public sealed interface Event {

	/**
	 * Whether this is a TERM or INT: when it waits in the queue of a loop that is gone,
	 * the user may still want the workers stopped at once.
	 * @return whether it asks to stop at once
	 */
	default boolean asksToHurry() {
		return this instanceof Signalled(MasterSignal signal)
				&& (signal == MasterSignal.TERM || signal == MasterSignal.INT);
	}

	/**
	 * A signal reached the master.
	 *
	 * @param signal the signal
	 */
	record Signalled(MasterSignal signal) implements Event {
	}

	/**
	 * The actuator asked for a number of workers. The loop completes {@code accepted}
	 * with the target it set, or with nothing if it ignored the request, so that the
	 * answer to the actuator says what the master did, not what it may do later.
	 *
	 * @param workers the number asked for
	 * @param accepted the target the loop set, empty if it ignored the request
	 */
	record ScaleRequested(int workers, CompletableFuture<OptionalInt> accepted) implements Event {

		ScaleRequested(int workers) {
			this(workers, new CompletableFuture<>());
		}

	}

	/**
	 * The actuator asked for a reload, as SIGHUP does. The loop completes
	 * {@code accepted} with whether it started reading the configuration again.
	 *
	 * @param accepted whether the loop took the request
	 */
	record ReloadRequested(CompletableFuture<Boolean> accepted) implements Event {

		ReloadRequested() {
			this(new CompletableFuture<>());
		}

	}

	/**
	 * The configuration was read again, off the loop, and passed its checks.
	 *
	 * @param why what asked for the reload, for the log
	 * @param config the configuration read
	 */
	record ConfigurationRead(String why, MasterConfig config) implements Event {
	}

	/**
	 * The configuration could not be read again, or did not pass its checks.
	 *
	 * @param why what asked for the reload, for the log
	 * @param failure why it cannot be used, described off the loop
	 */
	record ConfigurationFailed(String why, String failure) implements Event {
	}

	/**
	 * The control channel cannot accept connections (no file descriptor left), or can
	 * again: while it cannot, no heartbeat can arrive, and silence proves nothing.
	 *
	 * @param failing whether accepting fails
	 */
	record ChannelTrouble(boolean failing) implements Event {
	}

	/**
	 * A worker's process exited.
	 *
	 * @param workerId the worker's id
	 */
	record WorkerExited(int workerId) implements Event {
	}

	/**
	 * A worker's heartbeat, over the control channel: the worker is alive, says whether
	 * it is ready and on which port it serves, and reports its figures.
	 *
	 * @param workerId the worker's id
	 * @param figures what the heartbeat says
	 */
	record Heartbeat(int workerId, ControlRequest.Heartbeat figures) implements Event {

		/**
		 * A heartbeat with only the first figures, as a worker that does not report the
		 * others sends it.
		 * @param workerId the worker's id
		 * @param ready whether the application accepts traffic
		 * @param port the port the worker's server bound
		 * @param requests requests the worker served
		 * @param heapUsedBytes heap in use
		 * @param deadlockedThreads threads of the worker found deadlocked
		 */
		Heartbeat(int workerId, boolean ready, int port, long requests, long heapUsedBytes, int deadlockedThreads) {
			this(workerId, ready, port, requests, heapUsedBytes, deadlockedThreads, -1, -1, -1, 0);
		}

		/**
		 * A heartbeat with the figures of the last collection and no request past its
		 * deadline.
		 * @param workerId the worker's id
		 * @param ready whether the application accepts traffic
		 * @param port the port the worker's server bound
		 * @param requests requests the worker served
		 * @param heapUsedBytes heap in use
		 * @param deadlockedThreads threads of the worker found deadlocked
		 * @param heapAfterGcBytes heap in use after the last collection
		 * @param heapMaxBytes the worker's maximum heap
		 * @param collections collections the worker's JVM ran
		 */
		Heartbeat(int workerId, boolean ready, int port, long requests, long heapUsedBytes, int deadlockedThreads,
				long heapAfterGcBytes, long heapMaxBytes, long collections) {
			this(workerId, ready, port, requests, heapUsedBytes, deadlockedThreads, heapAfterGcBytes, heapMaxBytes,
					collections, 0);
		}

		/**
		 * A heartbeat with a request past its deadline and no figures of the last
		 * collection.
		 * @param workerId the worker's id
		 * @param ready whether the application accepts traffic
		 * @param port the port the worker's server bound
		 * @param requests requests the worker served
		 * @param heapUsedBytes heap in use
		 * @param deadlockedThreads threads of the worker found deadlocked
		 * @param stuckMillis how long the oldest request past the request timeout has run
		 */
		Heartbeat(int workerId, boolean ready, int port, long requests, long heapUsedBytes, int deadlockedThreads,
				long stuckMillis) {
			this(workerId, ready, port, requests, heapUsedBytes, deadlockedThreads, -1, -1, -1, stuckMillis);
		}

		/**
		 * A heartbeat with every figure.
		 * @param workerId the worker's id
		 * @param ready whether the application accepts traffic
		 * @param port the port the worker's server bound
		 * @param requests requests the worker served
		 * @param heapUsedBytes heap in use
		 * @param deadlockedThreads threads of the worker found deadlocked
		 * @param heapAfterGcBytes heap in use after the last collection, -1 if not
		 * reported
		 * @param heapMaxBytes the worker's maximum heap, -1 if not reported
		 * @param collections collections the worker's JVM ran, -1 if not reported
		 * @param stuckMillis how long the oldest request past the request timeout has run
		 */
		Heartbeat(int workerId, boolean ready, int port, long requests, long heapUsedBytes, int deadlockedThreads,
				long heapAfterGcBytes, long heapMaxBytes, long collections, long stuckMillis) {
			this(workerId, new ControlRequest.Heartbeat(ready, port, requests, heapUsedBytes, deadlockedThreads,
					heapAfterGcBytes, heapMaxBytes, collections, stuckMillis));
		}

	}

}
