package io.github.bootconcurrency.autoconfigure.multijvm.master.workers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.github.bootconcurrency.autoconfigure.multijvm.master.metrics.MetricFamilies;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ClusterView;

/**
 * Every worker process the master has started and not yet reaped, by id, and the slots
 * they hold. Only the master's loop adds and removes workers; the control channel's
 * threads look workers up to authenticate them and to show the cluster.
 */
public final class WorkerRegistry {

	private final Map<Integer, Worker> workers = new ConcurrentHashMap<>();

	private final Map<Integer, Integer> slotUses = new HashMap<>();

	private int nextId = 1;

	int nextId() {
		return this.nextId++;
	}

	/**
	 * Count one more worker in a slot.
	 * @param slot the slot
	 * @return how many workers held the slot before
	 */
	int occupy(int slot) {
		return this.slotUses.merge(slot, 1, Integer::sum) - 1;
	}

	void add(Worker worker) {
		this.workers.put(worker.id(), worker);
	}

	public void remove(Worker worker) {
		this.workers.remove(worker.id());
		// Only a reaped worker leaves the registry: the AOT cache's recorder is made
		// into the cache if it served traffic. A draining worker is one the master
		// retired; one killed at its boot timeout is still booting.
		worker.process().exited(worker.requests(), worker.readyAt() != null, worker.state() == Worker.State.DRAINING);
	}

	public Optional<Worker> get(int id) {
		return Optional.ofNullable(this.workers.get(id));
	}

	/**
	 * Return every worker, oldest first.
	 * @return the workers
	 */
	public List<Worker> all() {
		return this.workers.values().stream().sorted(Comparator.comparing(Worker::id)).toList();
	}

	/**
	 * Return the workers that are not draining, oldest first.
	 * @return the active workers
	 */
	public List<Worker> active() {
		return all().stream().filter(Worker::isActive).toList();
	}

	public int activeCount() {
		return (int) this.workers.values().stream().filter(Worker::isActive).count();
	}

	boolean isEmpty() {
		return this.workers.isEmpty();
	}

	public boolean anyBooting() {
		return this.workers.values().stream().anyMatch((worker) -> worker.state() == Worker.State.BOOTING);
	}

	/**
	 * Return the lowest slot no active worker holds.
	 * @return the slot
	 */
	public int freeSlot() {
		int slot = 1;
		while (slotTaken(slot)) {
			slot++;
		}
		return slot;
	}

	/**
	 * Whether another active worker holds this worker's slot.
	 * @param worker the worker
	 * @return whether its slot is shared
	 */
	public boolean sharesSlot(Worker worker) {
		return this.workers.values()
			.stream()
			.anyMatch((other) -> other != worker && other.isActive() && other.slot() == worker.slot());
	}

	private boolean slotTaken(int slot) {
		return this.workers.values().stream().anyMatch((worker) -> worker.slot() == slot && worker.isActive());
	}

	/**
	 * Return the active worker in the highest slot, the one to retire when there are too
	 * many.
	 * @return the worker, or empty if none is active
	 */
	public Optional<Worker> highestSlot() {
		return this.workers.values().stream().filter(Worker::isActive).max(Comparator.comparing(Worker::slot));
	}

	/**
	 * Whether a token is the one the master gave a worker it runs. Safe from any thread.
	 * @param id the worker's id
	 * @param token the token presented
	 * @return whether it matches
	 */
	public boolean authenticate(int id, String token) {
		Worker worker = this.workers.get(id);
		return worker != null && token != null && MessageDigest.isEqual(worker.token().getBytes(StandardCharsets.UTF_8),
				token.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Write the number of workers in each state, as the master's series in a scrape.
	 * @param series where they go
	 */
	public void describe(MetricFamilies series) {
		Map<Worker.State, Long> byState = this.workers.values()
			.stream()
			.collect(Collectors.groupingBy(Worker::state, Collectors.counting()));
		for (Worker.State state : Worker.State.values()) {
			series.add("concurrency_master_workers", "gauge", "Worker processes, by state.",
					Map.of("state", state.name().toLowerCase(Locale.ROOT)), byState.getOrDefault(state, 0L));
		}
	}

	public List<ClusterView.WorkerView> views(Instant now) {
		return all().stream().map((worker) -> worker.view(now)).toList();
	}

}
