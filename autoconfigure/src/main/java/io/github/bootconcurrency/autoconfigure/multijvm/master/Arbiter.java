package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The master's loop: keeps the number of worker JVMs on target and answers signals, as
 * Gunicorn's arbiter does.
 *
 * <p>
 * Design: signal handlers, process-exit callbacks and the control channel only queue
 * {@link Event events}. One loop waits for events (a quarter of a second at most), drains
 * the queue, dispatches each event, then reconciles: it reaps workers that exited, lets
 * the {@link Supervisor} act on deadlines and heartbeats, replaces the next worker of the
 * {@link Rollout}, and starts or retires workers until their count is on target. Only
 * this thread changes the workers, so no lock guards them, and nothing slow runs on it:
 * configuration files are read and thread dumps taken off the loop, and what comes of
 * them comes back as an event.
 *
 * <p>
 * Every step is guarded: a configuration that cannot be read or used on reload is
 * reported and the running one kept; a worker that cannot be launched at all is the
 * {@link LaunchFailures}' to retry. Anything else thrown on the loop stops every worker
 * and ends the master with a non-zero status, so that a master never serves unsupervised.
 * Stopping is one path ({@link Shutdown}), and the loop ends only by a {@link Halt} that
 * {@link #run} catches.
 */
final class Arbiter {

	/**
	 * Exit status when workers keep failing to boot, as Gunicorn's.
	 */
	static final int BOOT_ERROR = 3;

	/**
	 * Exit status when the master itself fails.
	 */
	static final int MASTER_ERROR = 1;

	private static final int MAX_BOOT_FAILURES = 3;

	private static final Duration EARLY_EXIT = Duration.ofSeconds(10);

	private static final Duration POLL = Duration.ofMillis(250);

	private final Supplier<MasterConfig> reloader;

	private final WorkerLauncher launcher;

	private final WorkerBalancer balancer;

	private final InstantSource clock;

	private final Executor offLoop;

	private final PrintStream out;

	private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

	private final WorkerRegistry registry = new WorkerRegistry();

	private final Rollout rollout = new Rollout();

	private final RespawnBackoff backoff = new RespawnBackoff();

	private final LaunchFailures launches = new LaunchFailures(this::log);

	private final MasterCounters counters = new MasterCounters();

	private final Spawner spawner;

	private final Shutdown shutdown;

	private final Supervisor supervisor;

	private final Heartbeats heartbeats;

	private final ArbiterChannel channel;

	private volatile MasterConfig config;

	private volatile int target;

	private int generation = 1;

	private int bootFailures;

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
	Arbiter(MasterConfig config, Supplier<MasterConfig> reloader, WorkerLauncher launcher, WorkerBalancer balancer,
			InstantSource clock, Executor offLoop, PrintStream out) {
		this.config = config;
		this.target = config.workers();
		this.reloader = reloader;
		this.launcher = launcher;
		this.balancer = balancer;
		this.clock = clock;
		this.offLoop = offLoop;
		this.out = out;
		this.spawner = new Spawner(launcher, this.registry, this::submit);
		this.shutdown = new Shutdown(this.registry, balancer, out);
		// An application that hangs as soon as it serves must not respawn at full speed.
		this.supervisor = new Supervisor(balancer, this.rollout, this.counters, offLoop, out, this::earlyOrNot);
		this.heartbeats = new Heartbeats(this.registry, balancer, this.rollout, this.supervisor, this.counters, out,
				() -> this.bootFailures = 0);
		this.channel = new ArbiterChannel(this::submit, this.registry, this.counters, balancer, clock,
				() -> this.target, () -> this.config.balancerName());
	}

	/**
	 * Run until stopped by a signal, by workers that cannot boot, or by a failure.
	 * @return the exit status for the master's process
	 */
	int run() {
		log("Master " + ProcessHandle.current().pid() + " started: " + this.target + " worker(s), worker model '"
				+ this.config.workerModel().value() + "', balancer '" + this.config.balancerName() + "' ("
				+ this.config.balancerReason() + ") on " + this.config.address() + ":" + this.balancer.port());
		warnings();
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
			return OptionalInt.of(halt.status);
		}
		catch (RuntimeException | Error ex) {
			try {
				log("FATAL: the master cannot go on, so every worker stops now. Cause:\n"
						+ FailureDescription.safely(ex).indent(2).stripTrailing());
			}
			finally {
				this.shutdown.withoutTheLoop(this.config.timeouts().graceful(), this::askedToHurry);
			}
			return OptionalInt.of(MASTER_ERROR);
		}
	}

	/**
	 * Whether a TERM or INT waits in the queue: the loop is gone, but the user may still
	 * want the workers stopped at once.
	 */
	private boolean askedToHurry() {
		return this.events.stream()
			.anyMatch((event) -> event instanceof Event.Signalled(MasterSignal signal)
					&& (signal == MasterSignal.TERM || signal == MasterSignal.INT));
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
			case Event.ConfigurationRead(String why, MasterConfig next) -> reload(why, next);
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
			case TTIN -> scale(this.target + 1, "Received SIGTTIN");
			case TTOU -> scale(this.target - 1, "Received SIGTTOU");
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
		this.target = Math.max(1, Math.min(MasterConfig.MAX_WORKERS, workers));
		log(why + ": " + this.target + " worker(s)");
		return OptionalInt.of(this.target);
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
		// Files are parsed, and a slow disk must not delay a signal: the outcome comes
		// back as an event.
		this.offLoop.execute(() -> {
			try {
				submit(new Event.ConfigurationRead(why, this.reloader.get()));
			}
			catch (Throwable ex) {
				// Described here, off the loop: it loads Spring Boot's failure analyzers.
				submit(new Event.ConfigurationFailed(why, FailureDescription.safely(ex)));
			}
		});
		return true;
	}

	private void reload(String why, MasterConfig read) {
		if (this.shutdown.begun()) {
			return;
		}
		MasterConfig next = read.keepingRestartOnlySettingsOf(this.config, this::log);
		this.counters.reloads.increment();
		MasterConfig previous = this.config;
		this.config = next;
		this.balancer.configure(next);
		this.target = next.workers();
		this.generation++;
		log(why + ": configuration read again (" + next.workers() + " worker(s), worker model '"
				+ next.workerModel().value() + "'); replacing every worker, one at a time");
		warnings();
		this.rollout.reload(this.registry.active(), previous, this.generation);
	}

	private void reconcile(Instant now) {
		this.supervisor.beginStep(this.registry.all(), this.config.timeouts().timeout(), now);
		for (Worker worker : this.registry.all()) {
			if (worker.process().isAlive()) {
				this.supervisor.check(worker, this.config, now);
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
		replaceNext(now);
		manageWorkers(now);
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
			String what = worker + " exited with status " + exit + " before it was ready";
			this.rollout.abandonedBy(worker.generation())
				.ifPresentOrElse((previous) -> abandonReload(what + " (its output above says why)", previous),
						() -> bootFailed(what, now));
		}
		else {
			this.counters.restarts.increment();
			this.counters.replaced(ReplacementReason.CRASHED);
			log(worker + " died with status " + exit + ": replacing it");
			earlyOrNot(worker, now);
		}
	}

	private void earlyOrNot(Worker worker, Instant now) {
		if (Duration.between(worker.readyAt(), now).compareTo(EARLY_EXIT) < 0) {
			backOff(now);
		}
		else {
			this.backoff.reset();
		}
	}

	/**
	 * The first worker of a reload could not boot, or be launched: keep the serving
	 * workers and their configuration rather than replace them with workers that fail
	 * too.
	 */
	private void abandonReload(String what, MasterConfig previous) {
		log(what + ": reload abandoned, the " + this.registry.activeCount()
				+ " running worker(s) and the previous configuration stay");
		this.rollout.clear();
		if (this.target == this.config.workers()) {
			// A count set since the reload (TTIN, TTOU, the actuator) stays.
			this.target = previous.workers();
		}
		this.config = previous;
		this.balancer.configure(previous);
	}

	private void bootFailed(String what, Instant now) {
		this.bootFailures++;
		log(what + " (" + this.bootFailures + " in a row)");
		if (this.bootFailures >= MAX_BOOT_FAILURES) {
			beginStop(BOOT_ERROR, "Workers failed to boot " + this.bootFailures
					+ " times in a row: stopping. Their output above says why.");
		}
		else {
			backOff(now);
		}
	}

	private void backOff(Instant now) {
		Duration delay = this.backoff.earlyExit(now);
		log("Next worker in " + delay.toMillis() + " ms (" + this.backoff.earlyExits() + " early exit(s) in a row)");
	}

	/**
	 * Surge-first replacement: start one worker in the slot of the first worker to
	 * replace; once it is ready (one worker over target), that worker leaves the balancer
	 * and drains; repeat.
	 */
	private void replaceNext(Instant now) {
		Optional<Integer> next = this.rollout.next();
		if (next.isEmpty() || this.registry.anyBooting()) {
			return;
		}
		Optional<Worker> old = this.registry.get(next.get()).filter(Worker::isActive);
		if (old.isEmpty()) {
			this.rollout.remove(next.get());
		}
		else if (this.registry.activeCount() > this.target) {
			// Counted once its successor serves: a reload abandoned meanwhile replaced
			// nothing.
			this.counters.replaced(this.rollout.reasonOf(next.get()));
			this.rollout.remove(next.get());
			retire(old.get(), now);
		}
		else {
			// Below target (the count was raised): fill a new slot first. Otherwise the
			// successor takes its predecessor's slot, unless a successor holds it
			// already.
			boolean newSlot = this.registry.activeCount() < this.target || this.registry.sharesSlot(old.get());
			spawn(newSlot ? this.registry.freeSlot() : old.get().slot(), now);
		}
	}

	private void manageWorkers(Instant now) {
		if (!this.rollout.isEmpty()) {
			return;
		}
		int active = this.registry.activeCount();
		if (active < this.target) {
			spawn(this.registry.freeSlot(), now);
		}
		else if (active > this.target) {
			this.registry.highestSlot().ifPresent((worker) -> {
				this.counters.replaced(ReplacementReason.SCALE);
				retire(worker, now);
			});
		}
	}

	private void retire(Worker worker, Instant now) {
		if (worker.state() == Worker.State.READY) {
			this.balancer.remove(worker);
		}
		worker.drain(now.plus(this.config.timeouts().graceful()));
		log(worker + " left the balancer and is draining");
	}

	private void spawn(int slot, Instant now) {
		if (!this.backoff.allows(now) || !this.launches.allows(now)) {
			return;
		}
		try {
			Worker worker = this.spawner.spawn(slot, this.config, this.generation, now);
			this.counters.spawned.increment();
			log("Started " + worker);
			this.launches.launched(now);
		}
		catch (IOException ex) {
			this.rollout.abandonedBy(this.generation).ifPresent((previous) -> abandonReload(ex.getMessage(), previous));
			this.launches.failed(ex, this.registry.activeCount(), now).ifPresent((why) -> beginStop(BOOT_ERROR, why));
		}
		catch (IllegalStateException ex) {
			bootFailed(ex.getMessage(), now);
		}
	}

	private void beginStop(int status, String why) {
		log(why);
		this.rollout.clear();
		this.shutdown.begin(status, this.clock.instant().plus(this.config.timeouts().graceful()));
	}

	private void warnings() {
		this.launcher.warnings(this.config).forEach((warning) -> log("WARNING: " + warning));
		this.config.descriptorShortfall(ListenerLimits.openFileLimit())
			.ifPresent((warning) -> log("WARNING: " + warning));
	}

	/**
	 * Return what the control channel asks of this loop.
	 * @return the channel's port
	 */
	ArbiterChannel channel() {
		return this.channel;
	}

	/**
	 * Queue an event for the loop.
	 * @param event the event
	 */
	void submit(Event event) {
		this.events.add(event);
	}

	private void log(String message) {
		MasterLog.println(this.out, message);
	}

	/**
	 * Ends the loop with an exit status: thrown once the master has stopped, caught only
	 * by {@link Arbiter#run(long, Duration)}.
	 */
	private static final class Halt extends RuntimeException {

		private final int status;

		Halt(int status) {
			super(null, null, false, false);
			this.status = status;
		}

	}

}
