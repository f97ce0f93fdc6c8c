package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.github.bootconcurrency.autoconfigure.multijvm.ClusterView;

/**
 * What the master did since it started, as the cluster view shows it. Counted on the
 * loop, read from the control channel's threads.
 */
final class MasterCounters {

	final LongAdder spawned = new LongAdder();

	final LongAdder killed = new LongAdder();

	final LongAdder restarts = new LongAdder();

	final LongAdder reloads = new LongAdder();

	final LongAdder recycled = new LongAdder();

	// Filled once, then only read: the map itself needs no lock.
	private final Map<ReplacementReason, LongAdder> replacements = new EnumMap<>(ReplacementReason.class);

	MasterCounters() {
		for (ReplacementReason reason : ReplacementReason.values()) {
			this.replacements.put(reason, new LongAdder());
		}
	}

	/**
	 * Count a worker replaced, or stopped, for a reason.
	 * @param reason the reason
	 */
	void replaced(ReplacementReason reason) {
		this.replacements.get(reason).increment();
	}

	long replacements(ReplacementReason reason) {
		return this.replacements.get(reason).sum();
	}

	ClusterView.Counters view() {
		Map<String, Long> byReason = new LinkedHashMap<>();
		this.replacements.forEach((reason, count) -> byReason.put(reason.value(), count.sum()));
		return new ClusterView.Counters(this.spawned.sum(), this.killed.sum(), this.restarts.sum(), this.reloads.sum(),
				this.recycled.sum(), byReason);
	}

}
