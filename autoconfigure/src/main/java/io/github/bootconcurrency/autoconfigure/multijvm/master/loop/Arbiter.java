package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.MasterLog;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerLauncher;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Heartbeats;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.LaunchFailures;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.MasterCounters;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.ReplacementReason;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Rollout;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Shutdown;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Spawner;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Supervisor;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Worker;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.WorkerBalancer;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.WorkerRegistry;

/**
 * The master's loop: keeps the number of worker JVMs on target and answers signals, as
 * Gunicorn's arbiter does.
 *
 * <p>
 * Design: signal handlers, process-exit callbacks and the control channel only queue
 * {@link Event events}. One loop waits for events (a quarter of a second at most), drains
 * the queue, dispatches each event, then reconciles: it reaps workers that exited, lets
 * the {@link Supervisor} act on deadlines and heartbeats, and starts or retires a worker
 * as the {@link TargetPolicy} says, replacing the workers of the {@link Rollout} or
 * bringing their count on target. Only this thread changes the workers, so no lock guards
 * them, and nothing slow runs on it: configuration files are read and thread dumps taken
 * off the loop, and what comes of them comes back as an event.
 *
 * <p>
 * Every step is guarded: a configuration that cannot be read or used on reload is
 * reported and the running one kept ({@link Reload}); a worker that fails to boot is the
 * {@link FailedBoots}' to judge (the AOT cache's failure, a reload's, or one that the
 * {@link BootFailures} count); a worker that cannot be launched at all is the
 * {@link LaunchFailures}' to retry. Anything else thrown on the loop stops every worker
 * and ends the master with a non-zero status, so that a master never serves unsupervised.
 * Stopping is one path ({@link Shutdown}), and the loop ends only by a {@link Halt} that
 * {@link #run} catches.
 */
public final class Arbiter {

	/**
	 * Exit status when workers keep failing to boot, as Gunicorn's.
	 */
	static final int BOOT_ERROR = 3;

	/**
	 * Exit status when the master itself fails.
	 */
	public static final int MASTER_ERROR = 1;

	private static final Duration POLL = Duration.ofMillis(250);

	private final WorkerBalancer balancer;

	private final InstantSource clock;

	private final PrintStream out;

	private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

	private final WorkerRegistry registry = new WorkerRegistry();

	private final Rollout rollout = new Rollout();

	private final LaunchFailures launches = new LaunchFailures(this::log);

	private final MasterCounters counters = new MasterCounters();

	private final Spawner spawner;

	private final Shutdown shutdown;

	private final Supervisor supervisor;

	private final Heartbeats heartbeats;

	private final ArbiterChannel channel;

	private final MasterState state;

	private final Reload reload;

	private final TargetPolicy targets;

	private final BootFailures bootFailures = new BootFailures(this::log);

	private final FailedBoots failedBoots;

	/**
	 * Create the loop.
	 * @param config the configuration it starts with
	 * @param reloader reads the configuration again, on reload; run off the loop
	 * @param launcher starts workers
	 * @param balancer how requests reach the workers
	 * @param clock the time
	 * @param offLoop runs what is too slow for the loop, one task at a time
	 * @param out where the master's own lines go
	 */
	public Arbiter(MasterConfig config, Supplier<MasterConfig> reloader, WorkerLauncher launcher,
			WorkerBalancer balancer, InstantSource clock, Executor offLoop, PrintStream out) {
		this.state = new MasterState(config, balancer);
		this.reload = new Reload(this.state, reloader, offLoop, this::submit, this.registry, this.rollout,
				this.counters, launcher, this::log);
		this.failedBoots = new FailedBoots(this.state, this.rollout, this.reload, this.bootFailures);
		this.balancer = balancer;
		this.clock = clock;
		this.out = out;
		this.targets = new TargetPolicy(this.state, this.registry, this.rollout, this.counters,
				(now, slot) -> spawn(slot, now), this::retire);
		this.spawner = new Spawner(launcher, this.registry, (id) -> submit(new Event.WorkerExited(id)));
		this.shutdown = new Shutdown(this.registry, balancer, launcher, out);
		// An application that hangs as soon as it serves must not respawn at full speed.
		this.supervisor = new Supervisor(balancer, this.rollout, this.counters, offLoop, out, this.bootFailures::exited,
				() -> launcher.wantsAotCacheRecorder(this.state.config()));
		this.heartbeats = new Heartbeats(this.registry, balancer, this.rollout, this.supervisor, this.counters, out,
				(worker) -> {
					this.bootFailures.ready();
					this.failedBoots.ready(worker);
				});
		this.channel = new ArbiterChannel(this::submit, this.registry, this.counters, balancer, clock,
				this.state::target, () -> this.state.config().balancerName());
	}

	/**
	 * Run until stopped by a signal, by workers that cannot boot, or by a failure.
	 * @return the exit status for the master's process
	 */
	public int run() {
		MasterConfig config = this.state.config();
		log("Master " + ProcessHandle.current().pid() + " started: " + this.state.target()
				+ " worker(s), worker model '" + config.workerModel().value() + "', balancer '" + config.balancerName()
				+ "' (" + config.balancerReason() + ") on " + config.address() + ":" + this.balancer.port());
		this.reload.warnings();
		return run(Long.MAX_VALUE, POLL).orElseThrow();
	}

	/**
	 * Run a number of steps of the loop.
	 * @param steps the number of steps
	 * @param wait how long each step waits for a first event
	 * @return the exit status if the master stopped, or empty
	 */
	OptionalInt run(long steps, Duration wait) {
		try {
			for (long step = 0; step < steps; step++) {
				Event event = next(wait);
				while (event != null) {
					dispatch(event);
					event = this.events.poll();
				}
				reconcile(this.clock.instant());
			}
			return OptionalInt.empty();
		}
		catch (Halt halt) {
			return OptionalInt.of(halt.status());
		}
		catch (RuntimeException | Error ex) {
			try {
				log("FATAL: the master cannot go on, so every worker stops now. Cause:\n"
						+ FailureDescription.safely(ex).indent(2).stripTrailing());
			}
			finally {
				this.shutdown.withoutTheLoop(this.state.config().timeouts().graceful(),
						() -> this.events.stream().anyMatch(Event::asksToHurry));
			}
			return OptionalInt.of(MASTER_ERROR);
		}
	}

	private Event next(Duration wait) {
		try {
			return this.events.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			// Nothing interrupts the loop on purpose: stop as TERM asks.
			return new Event.Signalled(MasterSignal.TERM);
		}
	}

	private void dispatch(Event event) {
		switch (event) {
			case Event.Signalled(MasterSignal signal) -> onSignal(signal);
			case Event.ScaleRequested(int workers, var accepted) ->
				accepted.complete(scale(workers, "Scale requested through the actuator"));
			case Event.ReloadRequested(var accepted) ->
				accepted.complete(readConfiguration("Reload requested through the actuator"));
			case Event.ConfigurationRead(String why, MasterConfig next) when !this.shutdown.begun() ->
				this.reload.apply(why, next);
			case Event.ConfigurationRead read -> {
				// Read while the master began stopping: nothing to replace.
			}
			case Event.ConfigurationFailed(String why, String failure) ->
				log(why + ", but the configuration cannot be used; the running workers and configuration stay.\n"
						+ failure.indent(2).stripTrailing());
			case Event.ChannelTrouble(boolean failing) -> this.supervisor.channelFailing(failing);
			case Event.WorkerExited(int id) -> this.registry.get(id)
				.filter((worker) -> !worker.process().isAlive())
				.ifPresent((worker) -> reap(worker, this.clock.instant()));
			case Event.Heartbeat(int id, var figures) -> this.heartbeats.received(id, figures, this.clock.instant());
		}
	}

	private void onSignal(MasterSignal signal) {
		switch (signal) {
			case TERM, INT -> {
				if (!this.shutdown.begun()) {
					beginStop(0, "Received SIG" + signal + ": stopping gracefully (SIG" + signal
							+ " again kills every worker at once)");
				}
				else {
					log("Received SIG" + signal + " again: killing every worker now");
					this.shutdown.hurry(this.clock.instant());
				}
			}
			case HUP -> readConfiguration("Received SIGHUP");
			case TTIN -> scale(this.state.target() + 1, "Received SIGTTIN");
			case TTOU -> scale(this.state.target() - 1, "Received SIGTTOU");
		}
	}

	/**
	 * Set the number of workers to keep running.
	 * @return the target set, or empty if the master is stopping
	 */
	private OptionalInt scale(int workers, String why) {
		if (this.shutdown.begun()) {
			log(why + ": ignored, the master is stopping");
			return OptionalInt.empty();
		}
		int target = this.state.scale(workers);
		this.failedBoots.scaled(target);
		log(why + ": " + target + " worker(s)");
		return OptionalInt.of(target);
	}

	/**
	 * Read the configuration again, off the loop.
	 * @return whether it is being read, which it is not if the master is stopping
	 */
	private boolean readConfiguration(String why) {
		if (this.shutdown.begun()) {
			log(why + ": ignored, the master is stopping");
			return false;
		}
		this.reload.read(why);
		return true;
	}

	private void reconcile(Instant now) {
		this.supervisor.beginStep(this.registry.all(), this.state.config().timeouts().timeout(), now);
		for (Worker worker : this.registry.all()) {
			if (worker.process().isAlive()) {
				this.supervisor.check(worker, this.state.config(), now);
			}
			else {
				reap(worker, now);
			}
		}
		if (this.shutdown.begun()) {
			Integer status = this.shutdown.finished(now);
			if (status != null) {
				throw new Halt(status);
			}
			return;
		}
		this.targets.step(now);
	}

	private void reap(Worker worker, Instant now) {
		Worker.State state = worker.state();
		this.registry.remove(worker);
		this.rollout.remove(worker.id());
		if (state == Worker.State.READY) {
			this.balancer.remove(worker);
		}
		int exit = worker.process().exitValue();
		if (this.shutdown.begun() || state == Worker.State.DRAINING) {
			log(worker + " stopped with status " + exit);
		}
		else if (state == Worker.State.BOOTING) {
			this.failedBoots.exited(worker, exit, now).ifPresent((why) -> beginStop(BOOT_ERROR, why));
		}
		else {
			this.counters.restarts.increment();
			this.counters.replaced(ReplacementReason.CRASHED);
			log(worker + " died with status " + exit + ": replacing it");
			this.bootFailures.exited(worker, now);
		}
	}

	private void retire(Worker worker, Instant now) {
		if (worker.state() == Worker.State.READY) {
			this.balancer.remove(worker);
		}
		worker.drain(now.plus(this.state.config().timeouts().graceful()), true);
		log(worker + " left the balancer and is draining");
	}

	private void spawn(int slot, Instant now) {
		if (!this.bootFailures.allows(now) || !this.launches.allows(now)) {
			return;
		}
		try {
			boolean offered = this.supervisor.offersRecording(this.failedBoots.aotCache(slot));
			Worker worker = this.spawner.spawn(slot, this.state.config(), this.state.generation(),
					this.failedBoots.aotCache(slot), now);
			if (offered) {
				this.supervisor.offeredRecording(worker.id());
			}
			this.failedBoots.launched(worker);
			this.counters.spawned.increment();
			log("Started " + worker);
			this.launches.launched(now);
		}
		catch (IOException ex) {
			this.rollout.abandonedBy(this.state.generation())
				.ifPresent((previous) -> this.failedBoots.abandon(ex.getMessage(), previous));
			this.launches.failed(ex, this.registry.activeCount(), now).ifPresent((why) -> beginStop(BOOT_ERROR, why));
		}
		catch (IllegalStateException ex) {
			this.bootFailures.failed(ex.getMessage(), now).ifPresent((why) -> beginStop(BOOT_ERROR, why));
		}
	}

	private void beginStop(int status, String why) {
		log(why);
		this.rollout.clear();
		this.shutdown.begin(status, this.clock.instant().plus(this.state.config().timeouts().graceful()));
	}

	/**
	 * Return what the control channel asks of this loop.
	 * @return the channel's port
	 */
	public ArbiterChannel channel() {
		return this.channel;
	}

	/**
	 * Queue an event for the loop.
	 * @param event the event
	 */
	public void submit(Event event) {
		this.events.add(event);
	}

	private void log(String message) {
		MasterLog.println(this.out, message);
	}

}
