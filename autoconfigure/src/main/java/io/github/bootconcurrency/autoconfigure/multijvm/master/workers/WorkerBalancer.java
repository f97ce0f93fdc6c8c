package io.github.bootconcurrency.autoconfigure.multijvm.master.workers;

import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;

/**
 * How requests reach the workers: the master adds a worker once it is ready and removes
 * it before telling it to stop.
 */
public interface WorkerBalancer {

	/**
	 * Start serving the application's port.
	 */
	void start();

	/**
	 * Return the port the balancer serves, once started: the one the kernel chose when
	 * {@code server.port} is 0.
	 * @return the port
	 */
	int port();

	void add(Worker worker);

	void remove(Worker worker);

	void stop();

	/**
	 * Prepare for workers started with a configuration, read at startup or again on
	 * reload.
	 * @param config the configuration
	 */
	default void configure(MasterConfig config) {
	}

	/**
	 * Stop taking new requests: the master is stopping, and its workers leave.
	 */
	default void stopAccepting() {
	}

	/**
	 * Whether workers accept connections themselves, on the listening socket they inherit
	 * as their standard input, rather than on a port of their own.
	 * @return whether workers inherit the listening socket
	 */
	default boolean inheritsSocket() {
		return false;
	}

	/**
	 * Return how many requests wait for a ready worker in the master.
	 * @return the number of held requests, or -1 if requests never wait in the master
	 */
	default int heldRequests() {
		return -1;
	}

}
