package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.time.Instant;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.ObjIntConsumer;

import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.MasterCounters;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.ReplacementReason;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Rollout;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Worker;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.WorkerRegistry;

/**
 * Which worker the {@link Arbiter} starts or retires next, one a step, to keep the
 * workers on target: while the {@link Rollout} holds workers to replace, surge-first
 * replacement; otherwise a worker started in the first free slot, or the one in the
 * highest slot retired.
 */
final class TargetPolicy {

	private final MasterState state;

	private final WorkerRegistry registry;

	private final Rollout rollout;

	private final MasterCounters counters;

	private final ObjIntConsumer<Instant> spawn;

	private final BiConsumer<Worker, Instant> retire;

	/**
	 * Create the policy.
	 * @param state the target
	 * @param registry the workers
	 * @param rollout the workers to replace
	 * @param counters the master's counters
	 * @param spawn starts a worker in a slot
	 * @param retire takes a worker out of the balancer and drains it
	 */
	TargetPolicy(MasterState state, WorkerRegistry registry, Rollout rollout, MasterCounters counters,
			ObjIntConsumer<Instant> spawn, BiConsumer<Worker, Instant> retire) {
		this.state = state;
		this.registry = registry;
		this.rollout = rollout;
		this.counters = counters;
		this.spawn = spawn;
		this.retire = retire;
	}

	/**
	 * Take the next step towards the target.
	 * @param now the time
	 */
	void step(Instant now) {
		replaceNext(now);
		manageWorkers(now);
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
		else if (this.registry.activeCount() > this.state.target()) {
			// Counted once its successor serves: a reload abandoned meanwhile replaced
			// nothing.
			this.counters.replaced(this.rollout.reasonOf(next.get()));
			this.rollout.remove(next.get());
			this.retire.accept(old.get(), now);
		}
		else {
			// Below target (the count was raised): fill a new slot first. Otherwise the
			// successor takes its predecessor's slot, unless a successor holds it
			// already.
			boolean newSlot = this.registry.activeCount() < this.state.target() || this.registry.sharesSlot(old.get());
			this.spawn.accept(now, newSlot ? this.registry.freeSlot() : old.get().slot());
		}
	}

	private void manageWorkers(Instant now) {
		if (!this.rollout.isEmpty()) {
			return;
		}
		int active = this.registry.activeCount();
		int target = this.state.target();
		if (active < target) {
			this.spawn.accept(now, this.registry.freeSlot());
		}
		else if (active > target) {
			this.registry.highestSlot().ifPresent((worker) -> {
				this.counters.replaced(ReplacementReason.SCALE);
				this.retire.accept(worker, now);
			});
		}
	}

}
