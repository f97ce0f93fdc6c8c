package io.github.bootconcurrency.autoconfigure.multijvm.master.workers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.SequencedMap;

import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import org.jspecify.annotations.Nullable;

/**
 * The workers waiting to be replaced, one at a time and surge-first: a reload queues
 * every active worker, recycling after {@code max-requests} or {@code max-heap-after-gc}
 * queues one, and all share this one queue, so no worker is queued twice. A worker keeps
 * the reason it was first queued for, which its replacement is counted under.
 *
 * <p>
 * A reload can be abandoned while its new configuration has not yet booted a single
 * worker: if the first worker of the new generation fails to boot, the configuration that
 * served before comes back. Once one worker of the new generation was ready, the new
 * configuration has proved it can boot, and a later failure is an ordinary one.
 */
public final class Rollout {

	private final SequencedMap<Integer, ReplacementReason> queue = new LinkedHashMap<>();

	private @Nullable MasterConfig previous;

	private int generation;

	private boolean proven;

	/**
	 * Queue every worker for replacement by a reload.
	 * @param workers the active workers, in the order to replace them
	 * @param previous the configuration they run, to come back to if the reload is
	 * abandoned
	 * @param generation the reload's generation
	 */
	public void reload(List<Worker> workers, MasterConfig previous, int generation) {
		// A reload during a reload keeps the configuration that last proved it boots.
		if (this.previous == null) {
			this.previous = previous;
		}
		this.generation = generation;
		this.proven = false;
		workers.forEach((worker) -> this.queue.putIfAbsent(worker.id(), ReplacementReason.RELOAD));
	}

	/**
	 * Queue one worker for replacement, unless it is queued already.
	 * @param worker the worker
	 * @param reason why it is replaced
	 * @return whether it was queued now
	 */
	boolean recycle(Worker worker, ReplacementReason reason) {
		return this.queue.putIfAbsent(worker.id(), reason) == null;
	}

	boolean contains(Worker worker) {
		return this.queue.containsKey(worker.id());
	}

	/**
	 * Return why a queued worker is replaced.
	 * @param id the worker's id
	 * @return the reason it was first queued for, or {@code null} if it is not queued
	 */
	public @Nullable ReplacementReason reasonOf(int id) {
		return this.queue.get(id);
	}

	public boolean isEmpty() {
		return this.queue.isEmpty();
	}

	public Optional<Integer> next() {
		return this.queue.isEmpty() ? Optional.empty() : Optional.of(this.queue.firstEntry().getKey());
	}

	public void remove(int id) {
		this.queue.remove(id);
	}

	/**
	 * A worker became ready.
	 * @param worker the worker
	 */
	void ready(Worker worker) {
		if (worker.generation() == this.generation) {
			// Kept until now even if every old worker is gone meanwhile: until one boots,
			// the new configuration has not shown that it can.
			this.proven = true;
			this.previous = null;
		}
	}

	/**
	 * Return the configuration to come back to, if a worker of this generation that
	 * failed to boot, or could not be launched, abandons a reload.
	 * @param generation the generation of the worker
	 * @return the previous configuration, or empty if the failure abandons nothing
	 */
	public Optional<MasterConfig> abandonedBy(int generation) {
		if (this.previous == null || generation != this.generation) {
			return Optional.empty();
		}
		return Optional.of(this.previous);
	}

	/**
	 * Forget every queued worker.
	 */
	public void clear() {
		this.queue.clear();
		this.previous = null;
	}

	int size() {
		return this.queue.size();
	}

}
