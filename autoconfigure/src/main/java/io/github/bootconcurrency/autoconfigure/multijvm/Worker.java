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

	private final int port;

	private final Process process;

	private final Instant started = Instant.now();

	private final int generation;

	private volatile State state = State.BOOTING;

	private volatile Instant readyAt;

	private volatile Instant drainDeadline;

	private final AtomicBoolean probing = new AtomicBoolean();

	private volatile boolean probedReady;

	Worker(int id, int port, Process process, int generation) {
		this.id = id;
		this.port = port;
		this.process = process;
		this.generation = generation;
	}

	int id() {
		return this.id;
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

	void endProbe(boolean ready) {
		this.probedReady = ready;
		this.probing.set(false);
	}

	boolean probedReady() {
		return this.probedReady;
	}

	void ready() {
		this.readyAt = Instant.now();
		this.state = State.READY;
	}

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
