package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;

import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerProcess;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Rollout;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Worker;
import org.jspecify.annotations.Nullable;

/**
 * What the {@link Arbiter} makes of a worker that exited before it was ready.
 *
 * <p>
 * A worker started with the AOT cache store's jar and options failed the cache's try, not
 * the application's nor a reload's: the {@link BootFailures} do not count it, no reload
 * is abandoned for it, and the next worker started in its slot starts without the cache.
 * So only a worker that failed to boot without the cache counts against the application
 * or abandons a reload, and a reload's first worker is never the cache's only try: under
 * {@code aot-cache: auto} a reload's first workers often record the cache or start with
 * it. Any other worker of a reload that fails before one of the reload's workers was
 * ready abandons the reload ({@link Reload}); the others count toward the
 * {@link BootFailures}.
 * <p>
 * That retry is the verdict on the cache, and the store counts the failure toward turning
 * the cache off only once it is given: if the retry boots, the cache is the likely
 * culprit ({@link WorkerProcess#aotCacheAtFault()}); if it fails too, the application
 * failed, not the cache ({@link WorkerProcess#aotCacheNotAtFault()}). A reload's bad
 * configuration, or an application that cannot boot, must not turn the cache off, nor may
 * workers that fail at once for the application's reason before any retry could tell. A
 * slot's mark is for its retry only: it is dropped when the slot is no longer wanted (the
 * count lowered below it, the reload abandoned, another reload begun), so that a worker
 * started there much later gets the cache, and the failure it marked is never counted.
 * Used on the loop only.
 */
final class FailedBoots {

	private final MasterState state;

	private final Rollout rollout;

	private final Reload reload;

	private final BootFailures bootFailures;

	/**
	 * The slots whose next worker starts without the AOT cache, with the worker the cache
	 * failed to boot there.
	 */
	private final Map<Integer, Mark> withoutAotCache = new HashMap<>();

	/**
	 * The workers started without the AOT cache because it failed to boot the last one in
	 * their slot, by slot.
	 */
	private final Map<Integer, Retry> retries = new HashMap<>();

	FailedBoots(MasterState state, Rollout rollout, Reload reload, BootFailures bootFailures) {
		this.state = state;
		this.rollout = rollout;
		this.reload = reload;
		this.bootFailures = bootFailures;
	}

	/**
	 * A worker exited before it was ready.
	 * @param worker the worker
	 * @param exit its exit status
	 * @param now the time
	 * @return why the master stops, if too many failed in a row
	 */
	Optional<String> exited(Worker worker, int exit, Instant now) {
		String what = worker + " exited with status " + exit + " before it was ready";
		if (worker.process().startedByAotCache()) {
			boolean reloading = this.rollout.abandonedBy(worker.generation()).isPresent();
			// A slot lowered away in this loop step, before its worker was retired,
			// gets no retry, as for a mark scaled() dropped.
			boolean retried = worker.slot() <= this.state.target();
			if (retried) {
				drop(this.withoutAotCache.put(worker.slot(), new Mark(worker.process(), this.state.generation())));
			}
			else {
				worker.process().aotCacheNotAtFault();
			}
			this.bootFailures.failedWithAotCache(what, reloading, retried, now);
			return Optional.empty();
		}
		Retry retry = this.retries.get(worker.slot());
		if (retry != null && retry.id() == worker.id()) {
			// It failed without the cache too: the application fails, not the cache.
			this.retries.remove(worker.slot());
			retry.failedWithCache().aotCacheNotAtFault();
		}
		Optional<MasterConfig> previous = this.rollout.abandonedBy(worker.generation());
		if (previous.isPresent()) {
			abandon(what + " (its output above says why)", previous.get());
			return Optional.empty();
		}
		return this.bootFailures.failed(what, now);
	}

	/**
	 * A worker became ready: if it retried without the AOT cache a worker the cache
	 * failed to boot, the cache is the likely culprit.
	 * @param worker the worker
	 */
	void ready(Worker worker) {
		Retry retry = this.retries.get(worker.slot());
		if (retry != null && retry.id() == worker.id()) {
			this.retries.remove(worker.slot());
			retry.failedWithCache().aotCacheAtFault();
		}
	}

	/**
	 * Whether the next worker in a slot may start with the AOT cache.
	 * @param slot the slot
	 * @return {@code false} if the cache failed to boot the slot's last worker
	 */
	boolean aotCache(int slot) {
		Mark mark = this.withoutAotCache.get(slot);
		// Another reload begun since: its first worker is the cache's try of its own.
		return mark == null || mark.generation() != this.state.generation();
	}

	/**
	 * Abandon the reload in progress: no slot waits for its retry now.
	 * @param what what failed, for the log
	 * @param previous the configuration the reload replaced
	 */
	void abandon(String what, MasterConfig previous) {
		this.reload.abandon(what, previous);
		dropMarks((slot) -> true);
	}

	/**
	 * The number of workers was set: the slots above it wait for no retry. One booting
	 * there is retired, and never ready: it tells nothing either, and the failure it
	 * retried is dropped now.
	 * @param target the number of workers
	 */
	void scaled(int target) {
		dropMarks((slot) -> slot > target);
		List<Integer> retired = this.retries.keySet().stream().filter((slot) -> slot > target).toList();
		retired.forEach((slot) -> this.retries.remove(slot).failedWithCache().aotCacheNotAtFault());
	}

	/**
	 * A worker was launched.
	 * @param worker the worker
	 */
	void launched(Worker worker) {
		boolean retry = !aotCache(worker.slot());
		Mark mark = this.withoutAotCache.remove(worker.slot());
		Retry replaced = retry ? this.retries.put(worker.slot(), new Retry(worker.id(), mark.failedWithCache()))
				: this.retries.remove(worker.slot());
		if (replaced != null) {
			// A retry retired as it booted: it tells nothing of the cache.
			replaced.failedWithCache().aotCacheNotAtFault();
		}
		if (!retry) {
			// Another reload began since: its first worker is the cache's try of its own.
			drop(mark);
		}
	}

	/**
	 * Drop the marks of slots that wait for their retry no longer: the failures there are
	 * never judged, so never counted.
	 */
	private void dropMarks(IntPredicate slots) {
		List<Integer> dropped = this.withoutAotCache.keySet().stream().filter(slots::test).toList();
		dropped.forEach((slot) -> drop(this.withoutAotCache.remove(slot)));
	}

	private static void drop(@Nullable Mark mark) {
		if (mark != null) {
			mark.failedWithCache().aotCacheNotAtFault();
		}
	}

	/**
	 * A slot whose next worker starts without the AOT cache.
	 *
	 * @param failedWithCache the process of the worker the cache failed to boot there
	 * @param generation the reload generation then
	 */
	private record Mark(WorkerProcess failedWithCache, int generation) {

	}

	/**
	 * A worker started without the AOT cache because it failed to boot the one before.
	 *
	 * @param id the worker's id
	 * @param failedWithCache the process of the worker the cache failed to boot
	 */
	private record Retry(int id, WorkerProcess failedWithCache) {

	}

}
