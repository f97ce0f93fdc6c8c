package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One worker JVM, as the master sees it.
 */
final class Worker {

	/**
	 * Where a worker is in its life.
	 */
	enum State {

		/**
		 * Started, not yet ready: not in the balancer.
		 */
		BOOTING,

		/**
		 * Ready: in the balancer.
		 */
		READY,

		/**
		 * Out of the balancer, finishing its requests before it exits.
		 */
		DRAINING

	}

	private final int id;

	private final int slot;

	private final int restarts;

	private final int port;

	private final String token;

	private final long maxRequests;

	private final Process process;

	private final Instant started = Instant.now();

	private final int generation;

	private volatile State state = State.BOOTING;

	private volatile Instant readyAt;

	private volatile Instant drainDeadline;

	private final AtomicBoolean probing = new AtomicBoolean();

	private volatile boolean probedReady;

	private volatile Instant lastAlive;

	private volatile long requests;

	private volatile long heapUsedBytes;

	private volatile boolean replacing;

	/**
	 * Create a worker.
	 * @param id the worker's id, unique for the master's life
	 * @param slot the worker's place in the cluster, which its replacements take over
	 * @param restarts how many workers held the slot before this one
	 * @param port the loopback port the master reaches the worker on
	 * @param process the worker's process
	 * @param generation the reload generation the worker belongs to
	 * @param token the secret the worker proves itself with on the master's channel
	 * @param maxRequests requests after which the worker is recycled, 0 for never
	 */
	Worker(int id, int slot, int restarts, int port, Process process, int generation, String token,
			long maxRequests) {
		this.id = id;
		this.slot = slot;
		this.restarts = restarts;
		this.port = port;
		this.process = process;
		this.generation = generation;
		this.token = token;
		this.maxRequests = maxRequests;
	}

	int id() {
		return this.id;
	}

	int slot() {
		return this.slot;
	}

	String token() {
		return this.token;
	}

	int port() {
		return this.port;
	}

	long pid() {
		return this.process.pid();
	}

	Process process() {
		return this.process;
	}

	int generation() {
		return this.generation;
	}

	State state() {
		return this.state;
	}

	Instant started() {
		return this.started;
	}

	Instant readyAt() {
		return this.readyAt;
	}

	Duration age() {
		return Duration.between(this.started, Instant.now());
	}

	URI uri() {
		return URI.create("http://127.0.0.1:" + this.port);
	}

	boolean startProbe() {
		return this.probing.compareAndSet(false, true);
	}

	void endProbe() {
		this.probing.set(false);
	}

	void readyProbe(boolean ready) {
		this.probedReady = ready;
	}

	/**
	 * Keep the worker after all: it was to be replaced by a reload that was abandoned.
	 */
	void keep() {
		this.replacing = false;
	}

	boolean probedReady() {
		return this.probedReady;
	}

	void ready() {
		this.readyAt = Instant.now();
		this.lastAlive = this.readyAt;
		this.state = State.READY;
	}

	void alive() {
		this.lastAlive = Instant.now();
	}

	/**
	 * Return how long the worker has not passed a liveness probe, since it became ready.
	 * @return the time since its last sign of life
	 */
	Duration silentFor() {
		return (this.lastAlive != null) ? Duration.between(this.lastAlive, Instant.now()) : Duration.ZERO;
	}

	void report(long requests, long heapUsedBytes) {
		this.requests = requests;
		this.heapUsedBytes = heapUsedBytes;
	}

	/**
	 * Whether the worker served its share of requests and is not yet being replaced;
	 * marks it as being replaced.
	 * @return whether to recycle the worker now
	 */
	boolean dueForRecycling() {
		if (this.maxRequests > 0 && this.requests >= this.maxRequests && !this.replacing) {
			this.replacing = true;
			return true;
		}
		return false;
	}

	long requests() {
		return this.requests;
	}

	long maxRequests() {
		return this.maxRequests;
	}

	ClusterView.WorkerView view() {
		return new ClusterView.WorkerView(this.id, this.slot, pid(), this.port, this.state.name().toLowerCase(),
				age().toMillis(), this.requests, this.restarts, this.heapUsedBytes);
	}

	/**
	 * Ask the worker to stop (SIGTERM): it finishes its requests, then exits.
	 * @param gracefulTimeout how long before it is killed
	 */
	void drain(Duration gracefulTimeout) {
		this.state = State.DRAINING;
		this.drainDeadline = Instant.now().plus(gracefulTimeout);
		this.process.destroy();
	}

	boolean drainOverdue() {
		return this.state == State.DRAINING && Instant.now().isAfter(this.drainDeadline);
	}

	@Override
	public String toString() {
		return "worker " + this.id + " (pid " + pid() + ", port " + this.port + ", " + this.state.name().toLowerCase()
				+ ")";
	}

}
