package io.github.bootconcurrency.autoconfigure.multijvm.master.workers;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.function.IntConsumer;

import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerLauncher;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerProcess;

/**
 * Starts one worker for the master's loop: gives it an id, a secret token for the control
 * channel and its own {@code max-requests} with jitter, launches it, registers it, and
 * reports its exit (by id) to the loop.
 */
public final class Spawner {

	private final WorkerLauncher launcher;

	private final WorkerRegistry registry;

	private final IntConsumer exits;

	private final SecureRandom random = new SecureRandom();

	public Spawner(WorkerLauncher launcher, WorkerRegistry registry, IntConsumer exits) {
		this.launcher = launcher;
		this.registry = registry;
		this.exits = exits;
	}

	/**
	 * Start a worker.
	 * @param slot the slot it takes
	 * @param config the configuration it runs
	 * @param generation the reload generation it belongs to
	 * @param aotCache whether it may start with the workers' AOT cache
	 * @param now the time
	 * @return the worker, registered
	 * @throws IOException if the launcher could not start it (the master's environment
	 * failing), saying which worker
	 * @throws IllegalStateException if the launcher failed otherwise, saying which worker
	 */
	public Worker spawn(int slot, MasterConfig config, int generation, boolean aotCache, Instant now)
			throws IOException {
		int id = this.registry.nextId();
		byte[] secret = new byte[32];
		this.random.nextBytes(secret);
		String token = HexFormat.of().formatHex(secret);
		WorkerProcess process;
		try {
			process = this.launcher.launch(id, token, config, aotCache);
		}
		catch (IOException ex) {
			throw new IOException("Could not start worker " + id + ": " + ex, ex);
		}
		catch (RuntimeException ex) {
			// Not the master's environment but a fault that every attempt meets again.
			throw new IllegalStateException("Could not start worker " + id + ": " + ex, ex);
		}
		int max = config.recycling().maxRequests();
		// In long arithmetic: the largest jitter allowed would overflow an int bound.
		long maxRequests = (max > 0) ? max + this.random.nextLong(config.recycling().maxRequestsJitter() + 1L) : 0;
		Worker worker = new Worker(id, slot, this.registry.occupy(slot), generation, token, maxRequests, process, now);
		worker.heapLimit(config.heapLimit());
		this.registry.add(worker);
		process.onExit(() -> this.exits.accept(id));
		return worker;
	}

}
