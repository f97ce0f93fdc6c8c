package io.github.bootconcurrency.autoconfigure.multijvm.master.workers;

import java.time.Instant;

import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerProcess;

/**
 * Workers for the tests of the packages above this one (balancers, scrape), which cannot
 * create a {@link Worker} or make it ready themselves: only the loop's policy does that.
 */
public final class TestWorkers {

	private TestWorkers() {
	}

	/**
	 * Create a booting worker, as {@link Spawner} does.
	 * @param id its id
	 * @param slot its slot
	 * @param restarts how many workers its slot had before
	 * @param generation its reload generation
	 * @param token its control-channel token
	 * @param maxRequests its {@code max-requests}, 0 for none
	 * @param process its process
	 * @param now the time
	 * @return the worker
	 */
	public static Worker worker(int id, int slot, int restarts, int generation, String token, long maxRequests,
			WorkerProcess process, Instant now) {
		return new Worker(id, slot, restarts, generation, token, maxRequests, process, now);
	}

	/**
	 * Make a worker ready, as its first heartbeat does.
	 * @param worker the worker
	 * @param now the time
	 * @param port the port it serves on
	 */
	public static void ready(Worker worker, Instant now, int port) {
		worker.ready(now, port);
	}

}
