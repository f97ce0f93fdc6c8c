package io.github.bootconcurrency.autoconfigure.multijvm.worker.channel;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * The heap a worker holds after collection, as its heartbeat reports it for
 * {@code concurrency.multi-jvm.max-heap-after-gc}.
 *
 * <p>
 * Design: the figure is the sum, over the heap's memory pools, of each pool's usage after
 * its own last collection ({@link MemoryPoolMXBean#getCollectionUsage()}), the JVM's own
 * "usage after GC" that its collection-usage thresholds watch. It is read at each beat,
 * from the heartbeat's thread, with no listener to register and nothing of
 * {@code com.sun.management}. The other choice, the heap in use at the end of the latest
 * collection (a {@code GarbageCollectorMXBean} notification), counts the dead objects of
 * the old generation after every young collection: an old generation that fills with
 * garbage until its next full collection, as it normally does, would look like a leak.
 * Here the old generation counts what survived its last collection, the live data a leak
 * makes grow; the price is that its figure changes only when the old generation is
 * collected, which a growing heap makes happen. The collections run so far are reported
 * too, so that the master counts a sample only when a collection has run since the
 * previous one.
 *
 * @param usedBytes heap in use after the last collection of each pool, -1 if the JVM does
 * not say
 * @param maxBytes the maximum heap, -1 if undefined
 * @param collections collections run so far, -1 if the JVM does not say
 */
record HeapAfterCollection(long usedBytes, long maxBytes, long collections) {

	private static final List<MemoryPoolMXBean> POOLS = ManagementFactory.getMemoryPoolMXBeans()
		.stream()
		.filter((pool) -> pool.getType() == MemoryType.HEAP)
		.toList();

	private static final List<GarbageCollectorMXBean> COLLECTORS = ManagementFactory.getGarbageCollectorMXBeans();

	/**
	 * Read the figures of this JVM.
	 * @return the figures
	 */
	static HeapAfterCollection read() {
		long used = POOLS.isEmpty() ? -1 : 0;
		for (MemoryPoolMXBean pool : POOLS) {
			MemoryUsage usage = pool.getCollectionUsage();
			if (usage != null) {
				used += usage.getUsed();
			}
		}
		long collections = COLLECTORS.isEmpty() ? -1 : 0;
		for (GarbageCollectorMXBean collector : COLLECTORS) {
			// -1 from a collector that does not count: the others still do.
			collections += Math.max(0, collector.getCollectionCount());
		}
		return new HeapAfterCollection(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax(),
				collections);
	}

}
