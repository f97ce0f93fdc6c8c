package io.github.bootconcurrency.autoconfigure.multijvm.master.workers;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

import io.github.bootconcurrency.autoconfigure.multijvm.master.config.HeapLimit;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.MasterLog;
import io.github.bootconcurrency.autoconfigure.validation.SettingsChecks;
import org.jspecify.annotations.Nullable;

/**
 * Watches each running worker for the master's loop, from its heartbeats and deadlines: a
 * worker not ready within {@code boot-timeout}, a drainer past its deadline, a ready
 * worker silent for longer than {@code timeout} or reporting deadlocked threads, a worker
 * that served its {@code max-requests}, one whose heap stayed over
 * {@code max-heap-after-gc} for {@link HeapLimit#SAMPLES} collections in a row, and one
 * with a request that ignored the interrupt at its deadline and still runs, past
 * {@code request-timeout} plus {@code graceful-timeout}, and one whose output can no
 * longer be read. The last four are queued for a surge-first replacement, as a reload
 * queues every worker; the stuck one drains for {@code graceful-timeout} before it is
 * killed (as uWSGI's harakiri kills its worker), so that its other requests end.
 *
 * <p>
 * A hung worker cannot drain: it leaves the balancer at once, its threads are dumped off
 * the loop (SIGQUIT, as Gunicorn's SIGABRT prints a traceback), and it is killed a few
 * seconds later. A worker that is merely busy keeps its heartbeat and is left alone.
 */
public final class Supervisor {

	/**
	 * How long a hung worker has, after SIGQUIT, to print its threads before SIGKILL.
	 */
	public static final Duration DUMP_GRACE = Duration.ofSeconds(3);

	private static final String NEVER_HEARD_FROM = " and sent no heartbeat at all: the worker runs no "
			+ "MultiJvmWorkerAutoConfiguration (is it excluded, or is the application not a servlet web application?)";

	private final WorkerBalancer balancer;

	private final Rollout rollout;

	private final MasterCounters counters;

	private final Executor offLoop;

	private final PrintStream out;

	private final BiConsumer<Worker, Instant> onHung;

	private final BooleanSupplier wantsAotCacheRecorder;

	private boolean channelFailing;

	/** Whether the AOT cache wants a recorder, as this step began. */
	private boolean recorderWanted;

	/** The workers launched with the offer of the AOT cache's recording. */
	private final Set<Integer> offeredRecording = new HashSet<>();

	private @Nullable Instant lastStep;

	/**
	 * Create the supervisor.
	 * @param balancer the balancer, which a hung worker leaves at once
	 * @param rollout the workers queued for replacement
	 * @param counters the master's counters
	 * @param offLoop where thread dumps are taken
	 * @param out where the master's lines go
	 * @param onHung told of a worker taken out as hung, before its replacement starts
	 * @param wantsAotCacheRecorder whether the workers' AOT cache waits for a worker to
	 * record it, with the configuration in force
	 */
	public Supervisor(WorkerBalancer balancer, Rollout rollout, MasterCounters counters, Executor offLoop,
			PrintStream out, BiConsumer<Worker, Instant> onHung, BooleanSupplier wantsAotCacheRecorder) {
		this.balancer = balancer;
		this.rollout = rollout;
		this.counters = counters;
		this.offLoop = offLoop;
		this.out = out;
		this.onHung = onHung;
		this.wantsAotCacheRecorder = wantsAotCacheRecorder;
	}

	/**
	 * The control channel cannot accept connections, or can again.
	 * @param failing whether accepting fails
	 */
	public void channelFailing(boolean failing) {
		this.channelFailing = failing;
	}

	/**
	 * Start a step of the loop. A master that could not listen cannot tell a silent
	 * worker from a hung one: while its control channel cannot accept, and after its own
	 * loop was held up (a long collection, a stopped master), silence is counted afresh
	 * rather than held against every worker at once.
	 * @param workers every worker
	 * @param timeout the heartbeat timeout
	 * @param now the time
	 */
	public void beginStep(List<Worker> workers, Duration timeout, Instant now) {
		Duration heldUp = (this.lastStep != null) ? Duration.between(this.lastStep, now) : Duration.ZERO;
		this.lastStep = now;
		this.recorderWanted = this.wantsAotCacheRecorder.getAsBoolean();
		this.offeredRecording.retainAll(workers.stream().map(Worker::id).toList());
		if (this.channelFailing || heldUp.compareTo(timeout.dividedBy(2)) > 0) {
			workers.forEach((worker) -> worker.forgive(now));
		}
	}

	/**
	 * Return whether a worker about to be launched is offered the AOT cache's recording:
	 * the cache wants a recorder, and the launch may use the cache (not a slot's retry
	 * without it). Asked before the launch, which makes the store record.
	 * @param aotCacheAllowed whether the launch may use the cache
	 * @return whether it is offered the recording
	 */
	public boolean offersRecording(boolean aotCacheAllowed) {
		return aotCacheAllowed && this.wantsAotCacheRecorder.getAsBoolean();
	}

	/**
	 * Remember a worker launched with the offer of the recording: it is never replaced
	 * for a recording (its successor would be offered it too, without end).
	 * @param workerId the worker's id
	 */
	public void offeredRecording(int workerId) {
		this.offeredRecording.add(workerId);
	}

	/**
	 * Return whether the AOT cache wants a recorder and the worker was not offered the
	 * recording: launched before the cache wanted one, or a slot's retry without it.
	 */
	private boolean launchedBeforeARecorderWasWanted(Worker worker) {
		return this.recorderWanted && !this.offeredRecording.contains(worker.id());
	}

	/**
	 * Act on a running worker if a deadline or its heartbeat says so.
	 * @param worker the worker, whose process is alive
	 * @param config the configuration in force
	 * @param now the time
	 */
	public void check(Worker worker, MasterConfig config, Instant now) {
		switch (worker.state()) {
			case BOOTING -> {
				Duration bootTimeout = config.timeouts().boot();
				if (!worker.killed() && worker.age(now).compareTo(bootTimeout) > 0) {
					kill(worker, "was not ready within the boot timeout (" + SettingsChecks.format(bootTimeout) + ")"
							+ (worker.heardFrom() ? "" : NEVER_HEARD_FROM));
				}
			}
			case READY -> {
				Duration timeout = config.timeouts().timeout();
				Duration silent = worker.silentFor(now);
				if (silent.compareTo(timeout) > 0) {
					hung(worker, now, "sent no heartbeat for " + silent.toMillis() + " ms (timeout "
							+ SettingsChecks.format(timeout) + ")");
				}
				// Queued again after an abandoned reload, but logged and counted once.
				else if (worker.servedItsShare() && this.rollout.recycle(worker, ReplacementReason.MAX_REQUESTS)
						&& worker.dueForRecycling()) {
					log(worker + " served " + worker.requests() + " requests (max-requests with jitter: "
							+ worker.maxRequests() + "): replacing it");
					this.counters.recycled.increment();
				}
				else if (AotCacheRecorder.recordedEnough(worker, now)
						&& this.rollout.recycle(worker, ReplacementReason.AOT_CACHE) && worker.dueForRecycling()) {
					log(AotCacheRecorder.why(worker, now));
				}
				// One at a time, and never during a reload or another replacement, whose
				// next worker records anyway.
				else if (this.rollout.isEmpty() && launchedBeforeARecorderWasWanted(worker)
						&& this.rollout.recycle(worker, ReplacementReason.AOT_CACHE) && worker.dueForRecycling()) {
					log(worker + " was launched before the AOT cache could be recorded: replacing it so that its "
							+ "successor records it (" + ReplacementReason.AOT_CACHE.value() + ")");
				}
				else if (worker.overHeapLimit() && this.rollout.recycle(worker, ReplacementReason.MAX_HEAP)
						&& worker.dueForRecycling()) {
					log(worker + " held " + megabytes(worker.heapAfterGcBytes()) + " of heap after " + HeapLimit.SAMPLES
							+ " collections in a row (max-heap-after-gc: " + worker.heapLimit()
							+ ((worker.heapLimit().bytes() > 0) ? "" : " = " + megabytes(worker.heapLimitBytes()))
							+ "): replacing it");
				}
				else if (worker.process().unreadOutput().isPresent()
						&& this.rollout.recycle(worker, ReplacementReason.OUTPUT_UNREAD) && worker.dueForRecycling()) {
					log(worker + ": " + worker.process().unreadOutput().get() + ": replacing it ("
							+ ReplacementReason.OUTPUT_UNREAD.value() + ")");
				}
				else if (stuckTooLong(worker, config) && this.rollout.recycle(worker, ReplacementReason.REQUEST_STUCK)
						&& worker.dueForRecycling()) {
					log(worker + " has a request stuck for " + worker.stuckFor().toMillis() + " ms (request-timeout "
							+ SettingsChecks.format(config.requestTimeout()) + " + graceful-timeout "
							+ SettingsChecks.format(config.timeouts().graceful()) + "): replacing it ("
							+ ReplacementReason.REQUEST_STUCK.value() + ")");
				}
			}
			case DRAINING -> {
				String overdue = worker.overdue(now);
				if (overdue != null) {
					kill(worker, overdue);
				}
			}
		}
	}

	/**
	 * Whether a request of the worker has run, ignoring the interrupt at its deadline,
	 * for longer than the request timeout and the time a worker is given to drain: read
	 * from the configuration in force, so a reload applies.
	 */
	private static boolean stuckTooLong(Worker worker, MasterConfig config) {
		Duration timeout = config.requestTimeout();
		return timeout != null && worker.stuckFor().compareTo(timeout.plus(config.timeouts().graceful())) > 0;
	}

	/**
	 * A worker reported deadlocked threads in its heartbeat.
	 * @param worker the worker
	 * @param threads how many
	 * @param now the time
	 */
	void deadlocked(Worker worker, int threads, Instant now) {
		if (worker.state() == Worker.State.READY) {
			hung(worker, now, "reports " + threads + " deadlocked thread(s)");
		}
	}

	private void hung(Worker worker, Instant now, String why) {
		log(worker + " " + why + ": dumping its threads, then killing it");
		this.counters.restarts.increment();
		this.counters.replaced(ReplacementReason.HUNG);
		this.balancer.remove(worker);
		this.rollout.remove(worker.id());
		worker.retire(now.plus(DUMP_GRACE), "was given " + DUMP_GRACE.toSeconds() + " s to dump its threads");
		this.onHung.accept(worker, now);
		this.offLoop.execute(() -> {
			try {
				// Late, the process may be gone and its pid given to another.
				if (!worker.killed() && worker.process().isAlive()) {
					worker.process().dumpThreads();
				}
			}
			catch (IOException | RuntimeException ex) {
				log("Could not dump the threads of " + worker + ": " + ex.getMessage());
			}
		});
	}

	private void kill(Worker worker, String why) {
		log(worker + " " + why + ": killing it");
		this.counters.killed.increment();
		worker.kill();
	}

	private static String megabytes(long bytes) {
		return (bytes / (1024 * 1024)) + "MB";
	}

	private void log(String message) {
		MasterLog.println(this.out, message);
	}

}
