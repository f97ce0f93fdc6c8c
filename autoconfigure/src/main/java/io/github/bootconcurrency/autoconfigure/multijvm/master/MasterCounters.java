package io.github.bootconcurrency.autoconfigure.multijvm.master;

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

	/**
	 * Write the counters as the master's series in a scrape.
	 * @param series where they go
	 */
	void describe(MetricFamilies series) {
		counter(series, "concurrency_master_workers_spawned_total", "Workers started.", this.spawned);
		counter(series, "concurrency_master_workers_killed_total",
				"Workers killed because they hung, overran a timeout or would not stop.", this.killed);
		counter(series, "concurrency_master_worker_restarts_total", "Workers replaced because they died.",
				this.restarts);
		counter(series, "concurrency_master_reloads_total", "Reloads (SIGHUP or the actuator).", this.reloads);
		counter(series, "concurrency_master_workers_recycled_total", "Workers replaced after max-requests.",
				this.recycled);
	}

	private static void counter(MetricFamilies series, String name, String help, LongAdder value) {
		series.add(name, "counter", help, Map.of(), value.sum());
	}

	ClusterView.Counters view() {
		return new ClusterView.Counters(this.spawned.sum(), this.killed.sum(), this.restarts.sum(), this.reloads.sum(),
				this.recycled.sum());
	}

}
