package io.github.bootconcurrency.autoconfigure.multijvm.master.channel;

import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

import io.github.bootconcurrency.autoconfigure.multijvm.master.metrics.MetricFamilies;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Worker;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ClusterView;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlRequest;

/**
 * What the {@link MasterChannel} asks of the master, in the protocol's terms: the channel
 * knows nothing of the master's loop, which {@code loop.ArbiterChannel} turns these calls
 * into events for.
 */
public interface ChannelPort {

	/**
	 * Whether a token is the one the master gave a worker it runs.
	 * @param workerId the worker's id
	 * @param token the token
	 * @return whether the request comes from that worker
	 */
	boolean authenticate(int workerId, String token);

	/**
	 * Return the cluster as the master sees it.
	 * @return the view
	 */
	ClusterView view();

	/**
	 * Take a worker's heartbeat.
	 * @param workerId the worker's id
	 * @param heartbeat the heartbeat
	 */
	void heartbeat(int workerId, ControlRequest.Heartbeat heartbeat);

	/**
	 * Ask for a number of workers.
	 * @param workers the number asked for
	 * @return completed with the target the master set, empty if it ignored the request
	 */
	CompletableFuture<OptionalInt> scale(int workers);

	/**
	 * Ask for a reload, as SIGHUP does.
	 * @return completed with whether the master started reading its configuration again
	 */
	CompletableFuture<Boolean> reload();

	/**
	 * Say that the channel cannot accept connections (no file descriptor left), or can
	 * again: while it cannot, no heartbeat can arrive.
	 * @param failing whether accepting fails
	 */
	void channelTrouble(boolean failing);

	/**
	 * Return every worker the master runs, for a scrape.
	 * @return the workers
	 */
	default List<Worker> workers() {
		return List.of();
	}

	/**
	 * Write the master's own series, for a scrape.
	 * @param series where they go
	 */
	default void describe(MetricFamilies series) {
	}

}
