package io.github.bootconcurrency.autoconfigure.multijvm.master.workers;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.MasterLog;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerLauncher;
import org.jspecify.annotations.Nullable;

/**
 * How the master stops its workers. A graceful stop (SIGTERM, SIGINT, workers that cannot
 * boot) first stops taking new requests, as Gunicorn closes its listeners, then drains
 * every worker while the loop goes on reaping them, so that a second signal can still cut
 * it short; the master ends once none is left, or, should a killed worker never exit, a
 * little after it was killed. When the loop itself has failed, the workers are stopped
 * without it, within the graceful timeout, sooner if TERM or INT comes.
 */
public final class Shutdown {

	private final WorkerRegistry registry;

	private final WorkerBalancer balancer;

	private final PrintStream out;

	/**
	 * How long the master waits for killed workers to exit before it exits all the same.
	 */
	public static final Duration KILL_GRACE = Duration.ofSeconds(10);

	private final WorkerLauncher launcher;

	private @Nullable Integer status;

	private Instant giveUpAt;

	public Shutdown(WorkerRegistry registry, WorkerBalancer balancer, WorkerLauncher launcher, PrintStream out) {
		this.registry = registry;
		this.launcher = launcher;
		this.balancer = balancer;
		this.out = out;
	}

	public boolean begun() {
		return this.status != null;
	}

	/**
	 * Take every worker out of the balancer and ask it to finish its requests.
	 * @param status the master's exit status, once every worker is gone
	 * @param deadline when workers that still run are killed
	 */
	public void begin(int status, Instant deadline) {
		this.status = status;
		this.giveUpAt = deadline.plus(KILL_GRACE);
		// Before the workers drain: a recorder that exits now starts no cache's creation.
		this.launcher.stopping();
		this.balancer.stopAccepting();
		for (Worker worker : this.registry.active()) {
			if (worker.state() == Worker.State.READY) {
				this.balancer.remove(worker);
			}
			worker.drain(deadline, false);
		}
	}

	/**
	 * Kill every worker at once: a second TERM or INT during a graceful stop.
	 * @param now the time
	 */
	public void hurry(Instant now) {
		this.giveUpAt = now.plus(KILL_GRACE);
		for (Worker worker : this.registry.all()) {
			if (!worker.killed()) {
				worker.retire(now, "was killed");
				worker.kill();
			}
		}
	}

	/**
	 * Return the exit status once every worker is gone, having stopped the balancer.
	 * @param now the time
	 * @return the status, or {@code null} while workers remain
	 */
	public @Nullable Integer finished(Instant now) {
		if (!this.registry.isEmpty()) {
			if (!now.isAfter(this.giveUpAt)) {
				return null;
			}
			log(this.registry.all() + " did not exit after SIGKILL: the master exits all the same");
		}
		stopBalancer();
		log("Master stopped");
		return this.status;
	}

	/**
	 * Stop every worker without the loop, which failed: SIGTERM, then SIGKILL for those
	 * still running after the graceful timeout.
	 * @param gracefulTimeout how long they have
	 * @param hurry whether TERM or INT came meanwhile, to kill them at once
	 */
	public void withoutTheLoop(Duration gracefulTimeout, BooleanSupplier hurry) {
		try {
			this.balancer.stopAccepting();
		}
		catch (RuntimeException ex) {
			// The balancer is stopped below.
		}
		List<Worker> workers = this.registry.all();
		for (Worker worker : workers) {
			try {
				worker.process().terminate();
			}
			catch (RuntimeException ex) {
				// It is killed below.
			}
		}
		long deadline = System.nanoTime() + gracefulTimeout.toNanos();
		while (workers.stream().anyMatch((worker) -> worker.process().isAlive()) && System.nanoTime() < deadline
				&& !hurry.getAsBoolean()) {
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		workers.stream().filter((worker) -> worker.process().isAlive()).forEach((worker) -> worker.process().kill());
		stopBalancer();
		log("Master stopped");
	}

	private void stopBalancer() {
		try {
			this.balancer.stop();
		}
		catch (RuntimeException ex) {
			log("Could not stop the balancer cleanly: " + ex);
		}
	}

	private void log(String message) {
		MasterLog.println(this.out, message);
	}

}
