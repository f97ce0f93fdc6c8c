package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.bootconcurrency.autoconfigure.multijvm.master.config.ListenerLimits;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerLauncher;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.MasterCounters;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Rollout;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.WorkerRegistry;

/**
 * A reload, for the {@link Arbiter}: reads the configuration again off the loop, puts it
 * in force and replaces every worker one at a time ({@link Rollout}); and, when the first
 * worker of the reload cannot boot or be launched, goes back to the previous
 * configuration and keeps the serving workers rather than replace them with workers that
 * fail too.
 */
final class Reload {

	private final MasterState state;

	private final Supplier<MasterConfig> reloader;

	private final Executor offLoop;

	private final Consumer<Event> loop;

	private final WorkerRegistry registry;

	private final Rollout rollout;

	private final MasterCounters counters;

	private final WorkerLauncher launcher;

	private final Consumer<String> log;

	/**
	 * Create the reload.
	 * @param state the configuration in force
	 * @param reloader reads the configuration again; run off the loop
	 * @param offLoop runs what is too slow for the loop
	 * @param loop queues an event for the loop
	 * @param registry the workers
	 * @param rollout the workers to replace
	 * @param counters the master's counters
	 * @param launcher starts workers, and warns about a configuration
	 * @param log the master's log
	 */
	Reload(MasterState state, Supplier<MasterConfig> reloader, Executor offLoop, Consumer<Event> loop,
			WorkerRegistry registry, Rollout rollout, MasterCounters counters, WorkerLauncher launcher,
			Consumer<String> log) {
		this.state = state;
		this.reloader = reloader;
		this.offLoop = offLoop;
		this.loop = loop;
		this.registry = registry;
		this.rollout = rollout;
		this.counters = counters;
		this.launcher = launcher;
		this.log = log;
	}

	/**
	 * Read the configuration again, off the loop: files are parsed, and a slow disk must
	 * not delay a signal. The outcome comes back to the loop as an event.
	 * @param why what asked for it, for the log
	 */
	void read(String why) {
		this.offLoop.execute(() -> {
			try {
				this.loop.accept(new Event.ConfigurationRead(why, this.reloader.get()));
			}
			catch (Throwable ex) {
				// Described here, off the loop: it loads Spring Boot's failure analyzers.
				this.loop.accept(new Event.ConfigurationFailed(why, FailureDescription.safely(ex)));
			}
		});
	}

	/**
	 * Put a configuration read again in force and start replacing every worker.
	 * @param why what asked for it, for the log
	 * @param read the configuration read
	 */
	void apply(String why, MasterConfig read) {
		this.counters.reloads.increment();
		MasterConfig previous = this.state.reload(read, this.log);
		MasterConfig next = this.state.config();
		this.log.accept(why + ": configuration read again (" + next.workers() + " worker(s), worker model '"
				+ next.workerModel().value() + "'); replacing every worker, one at a time");
		warnings();
		this.rollout.reload(this.registry.active(), previous, this.state.generation());
	}

	/**
	 * Abandon the reload in progress.
	 * @param what what failed, for the log
	 * @param previous the configuration the reload replaced
	 */
	void abandon(String what, MasterConfig previous) {
		this.log.accept(what + ": reload abandoned, the " + this.registry.activeCount()
				+ " running worker(s) and the previous configuration stay");
		this.rollout.clear();
		this.state.abandonReload(previous);
	}

	/**
	 * Log what may go wrong with the configuration in force.
	 */
	void warnings() {
		MasterConfig config = this.state.config();
		this.launcher.warnings(config).forEach((warning) -> this.log.accept("WARNING: " + warning));
		config.descriptorShortfall(ListenerLimits.openFileLimit())
			.ifPresent((warning) -> this.log.accept("WARNING: " + warning));
	}

}
