package io.github.bootconcurrency.autoconfigure.multijvm.master.workers;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.github.bootconcurrency.autoconfigure.multijvm.master.metrics.BootTimes;
import io.github.bootconcurrency.autoconfigure.multijvm.master.metrics.MetricFamilies;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ClusterView;

/**
 * What the master did since it started, as the cluster view shows it. Counted on the
 * loop, read from the control channel's threads.
 */
public final class MasterCounters {

	public final LongAdder spawned = new LongAdder();

	final LongAdder killed = new LongAdder();

	public final LongAdder restarts = new LongAdder();

	public final LongAdder reloads = new LongAdder();

	final LongAdder recycled = new LongAdder();

	// Filled once, then only read: the map itself needs no lock.
	private final Map<ReplacementReason, LongAdder> replacements = new EnumMap<>(ReplacementReason.class);

	private final BootTimes bootTimes = new BootTimes();

	public MasterCounters() {
		for (ReplacementReason reason : ReplacementReason.values()) {
			this.replacements.put(reason, new LongAdder());
		}
	}

	/**
	 * Count a worker replaced, or stopped, for a reason.
	 * @param reason the reason
	 */
	public void replaced(ReplacementReason reason) {
		this.replacements.get(reason).increment();
	}

	/**
	 * Count a worker that became ready.
	 * @param aotCache what it made of the AOT cache, in one word, as its ready line says
	 * it: the label is not changed later
	 * @param bootTime the time from its launch to its ready heartbeat
	 */
	void booted(String aotCache, Duration bootTime) {
		this.bootTimes.record(aotCache, bootTime);
	}

	long replacements(ReplacementReason reason) {
		return this.replacements.get(reason).sum();
	}

	/**
	 * Write the counters as the master's series in a scrape.
	 * @param series where they go
	 */
	public void describe(MetricFamilies series) {
		counter(series, "concurrency_master_workers_spawned_total", "Workers started.", this.spawned);
		counter(series, "concurrency_master_workers_killed_total",
				"Workers killed because they hung, overran a timeout or would not stop.", this.killed);
		counter(series, "concurrency_master_worker_restarts_total", "Workers replaced because they died.",
				this.restarts);
		counter(series, "concurrency_master_reloads_total", "Reloads (SIGHUP or the actuator).", this.reloads);
		counter(series, "concurrency_master_workers_recycled_total", "Workers replaced after max-requests.",
				this.recycled);
		this.replacements.forEach((reason, count) -> series.add("concurrency_master_workers_replaced_total", "counter",
				"Workers replaced, by reason.", Map.of("reason", reason.value()), count.sum()));
		this.bootTimes.describe(series);
	}

	private static void counter(MetricFamilies series, String name, String help, LongAdder value) {
		series.add(name, "counter", help, Map.of(), value.sum());
	}

	public ClusterView.Counters view() {
		Map<String, Long> byReason = new LinkedHashMap<>();
		this.replacements.forEach((reason, count) -> byReason.put(reason.value(), count.sum()));
		return new ClusterView.Counters(this.spawned.sum(), this.killed.sum(), this.restarts.sum(), this.reloads.sum(),
				this.recycled.sum(), byReason);
	}

}
