package io.github.bootconcurrency.autoconfigure.multijvm.master;

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

	ClusterView.Counters view() {
		return new ClusterView.Counters(this.spawned.sum(), this.killed.sum(), this.restarts.sum(), this.reloads.sum(),
				this.recycled.sum());
	}

}
