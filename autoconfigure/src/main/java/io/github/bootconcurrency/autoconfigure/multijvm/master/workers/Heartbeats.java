package io.github.bootconcurrency.autoconfigure.multijvm.master.workers;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.MasterLog;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlRequest;

/**
 * What the master's loop does with a worker's heartbeat. The heartbeat is the only way a
 * worker joins the balancer: it says that the application accepts traffic and on which
 * port the worker's own server listens, over the authenticated channel, so the master
 * never sends a request to a port that one of its workers did not report. A ready worker
 * whose application then refuses traffic (it is shutting down, or said so itself) leaves
 * the balancer until it accepts traffic again, and one that reports deadlocked threads is
 * handed to the {@link Supervisor}.
 */
public final class Heartbeats {

	private final WorkerRegistry registry;

	private final WorkerBalancer balancer;

	private final Rollout rollout;

	private final Supervisor supervisor;

	private final MasterCounters counters;

	private final PrintStream out;

	private final Consumer<Worker> onReady;

	/**
	 * Create the handler.
	 * @param registry the workers
	 * @param balancer the balancer workers join and leave
	 * @param rollout the replacement queue, told when a worker is ready
	 * @param supervisor the supervisor, told of deadlocks
	 * @param counters the master's counters
	 * @param out where the master's lines go
	 * @param onReady told when a worker became ready
	 */
	public Heartbeats(WorkerRegistry registry, WorkerBalancer balancer, Rollout rollout, Supervisor supervisor,
			MasterCounters counters, PrintStream out, Consumer<Worker> onReady) {
		this.registry = registry;
		this.balancer = balancer;
		this.rollout = rollout;
		this.supervisor = supervisor;
		this.counters = counters;
		this.out = out;
		this.onReady = onReady;
	}

	/**
	 * Act on a heartbeat; one from a worker the master does not run, or has killed, is
	 * ignored. A killed JVM runs on until the signal lands, and a heartbeat it sent
	 * meanwhile (it became ready just after its boot timeout) must not put it back in the
	 * balancer, reset the count of failed boots, or prove a reload.
	 * @param workerId the id of the worker that sent it
	 * @param heartbeat the heartbeat
	 * @param now the time
	 */
	public void received(int workerId, ControlRequest.Heartbeat heartbeat, Instant now) {
		Optional<Worker> found = this.registry.get(workerId);
		if (found.isEmpty() || found.get().killed()) {
			return;
		}
		Worker worker = found.get();
		worker.heartbeat(now, heartbeat.requests(), heartbeat.heapUsedBytes());
		worker.collected(heartbeat.heapAfterGcBytes(), heartbeat.heapMaxBytes(), heartbeat.collections());
		worker.stuck(heartbeat.stuckMillis());
		if (worker.state() == Worker.State.BOOTING && heartbeat.ready()) {
			promote(worker, heartbeat.port(), now);
		}
		else if (worker.state() == Worker.State.READY && heartbeat.ready() != worker.inRotation()) {
			worker.rotation(heartbeat.ready());
			if (heartbeat.ready()) {
				this.balancer.add(worker);
			}
			else {
				this.balancer.remove(worker);
			}
			log(worker + (heartbeat.ready() ? " accepts traffic again: back in the balancer"
					: " refuses traffic: out of the balancer until it accepts it again"));
		}
		if (heartbeat.deadlockedThreads() > 0) {
			this.supervisor.deadlocked(worker, heartbeat.deadlockedThreads(), now);
		}
	}

	private void promote(Worker worker, int port, Instant now) {
		if (!this.balancer.inheritsSocket() && (port < 1 || port > 65535)) {
			if (!worker.killed()) {
				log(worker + " says it is ready but serves no port: killing it");
				this.counters.killed.increment();
				worker.kill();
			}
			return;
		}
		worker.ready(now, port);
		worker.process().ready();
		this.counters.booted(worker.aotCache(), worker.age(now));
		this.onReady.accept(worker);
		this.rollout.ready(worker);
		this.balancer.add(worker);
		log(worker + " is ready after " + worker.age(now).toMillis() + " ms"
				+ worker.process().aotCache().map((use) -> ", AOT cache: " + use).orElse(""));
	}

	private void log(String message) {
		MasterLog.println(this.out, message);
	}

}
