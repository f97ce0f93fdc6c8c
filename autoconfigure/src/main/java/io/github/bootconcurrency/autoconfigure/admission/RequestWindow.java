package io.github.bootconcurrency.autoconfigure.admission;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * What the requests did over the last minute: their summed wall time, the CPU time the
 * process spent meanwhile, their waits at the gate, the most in flight at once, and the
 * seconds in which the gate was full. The raw figures of the
 * {@link io.github.bootconcurrency.autoconfigure.actuate.ModelAdvice model advice}.
 *
 * <p>
 * A ring of one-second buckets: each request adds to the bucket of the second it ends in,
 * and each bucket notes the process CPU time when it opened (the first request admitted
 * or ended in that second opens it), so that the CPU time of the window is the time spent
 * since the oldest bucket opened, which the earliest request of the window started in. A
 * request is counted when it ends, all of its wall time at once, so one that started
 * before the window counts whole: it errs towards waiting, never towards CPU. Two short
 * locks per request are cheap next to a request, and the window is off unless asked for.
 */
public final class RequestWindow {

	/**
	 * Length of the window.
	 */
	public static final Duration LENGTH = Duration.ofMinutes(1);

	private static final long SECOND = 1_000_000_000L;

	private static final int BUCKETS = (int) LENGTH.toSeconds();

	private final LongSupplier clock;

	private final LongSupplier processCpu;

	private final DoubleSupplier hostCpuLoad;

	private final Bucket[] buckets = new Bucket[BUCKETS];

	/**
	 * Create a window on the JVM's monotonic clock and the process's CPU time.
	 */
	public RequestWindow() {
		this(System::nanoTime, RequestWindow::processCpuTime, RequestWindow::hostCpuLoad);
	}

	RequestWindow(LongSupplier clock, LongSupplier processCpu, DoubleSupplier hostCpuLoad) {
		this.clock = clock;
		this.processCpu = processCpu;
		this.hostCpuLoad = hostCpuLoad;
	}

	/**
	 * Note that a request was admitted now, so that the window's CPU time covers it from
	 * its start.
	 */
	public void admitted() {
		synchronized (this) {
			current();
		}
	}

	/**
	 * Record a request that was admitted and has ended.
	 * @param waitNanos how long it waited at the gate
	 * @param handledNanos how long it took once admitted
	 * @param inFlight how many requests were in flight once it was admitted, itself
	 * included
	 * @param limit the gate's limit then
	 */
	public void handled(long waitNanos, long handledNanos, int inFlight, int limit) {
		boolean saturated = inFlight >= limit || waitNanos >= SECOND / 1000;
		synchronized (this) {
			Bucket bucket = current();
			bucket.requests++;
			bucket.wallNanos += handledNanos;
			bucket.waitNanos += waitNanos;
			bucket.peakInFlight = Math.max(bucket.peakInFlight, inFlight);
			bucket.saturated |= saturated;
		}
	}

	/**
	 * Record a request that was rejected at the gate.
	 * @param waitNanos how long it waited before it was
	 */
	public void rejected(long waitNanos) {
		synchronized (this) {
			Bucket bucket = current();
			bucket.rejected++;
			bucket.waitNanos += waitNanos;
			bucket.saturated = true;
		}
	}

	/**
	 * Sum the window up to now.
	 * @return the figures of the last minute
	 */
	public synchronized Totals totals() {
		long now = this.clock.getAsLong();
		long second = Math.floorDiv(now, SECOND);
		long oldestOpened = Long.MAX_VALUE;
		long cpuAtOldest = -1;
		long requests = 0;
		long rejected = 0;
		long wall = 0;
		long waits = 0;
		int peak = 0;
		int saturated = 0;
		double hostLoad = 0;
		int hostLoads = 0;
		for (Bucket bucket : this.buckets) {
			if (bucket == null || second - bucket.second >= BUCKETS) {
				continue;
			}
			requests += bucket.requests;
			rejected += bucket.rejected;
			wall += bucket.wallNanos;
			waits += bucket.waitNanos;
			peak = Math.max(peak, bucket.peakInFlight);
			saturated += bucket.saturated ? 1 : 0;
			if (bucket.hostCpuLoad >= 0) {
				hostLoad += bucket.hostCpuLoad;
				hostLoads++;
			}
			if (bucket.openedNanos < oldestOpened) {
				oldestOpened = bucket.openedNanos;
				cpuAtOldest = bucket.cpuAtOpenNanos;
			}
		}
		int processors = Runtime.getRuntime().availableProcessors();
		if (oldestOpened == Long.MAX_VALUE) {
			return new Totals(0, 0, 0, 0, 0, 0, 0, -1, processors, -1);
		}
		long cpuNow = this.processCpu.getAsLong();
		long cpu = (cpuNow >= 0 && cpuAtOldest >= 0) ? Math.max(0, cpuNow - cpuAtOldest) : -1;
		return new Totals(requests, rejected, wall, waits, peak, saturated, now - oldestOpened, cpu, processors,
				(hostLoads > 0) ? hostLoad / hostLoads : -1);
	}

	private Bucket current() {
		long now = this.clock.getAsLong();
		long second = Math.floorDiv(now, SECOND);
		int index = (int) Math.floorMod(second, (long) BUCKETS);
		Bucket bucket = this.buckets[index];
		if (bucket == null || bucket.second != second) {
			bucket = new Bucket(second, now, this.processCpu.getAsLong(), this.hostCpuLoad.getAsDouble());
			this.buckets[index] = bucket;
		}
		return bucket;
	}

	private static double hostCpuLoad() {
		OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
		if (bean instanceof com.sun.management.OperatingSystemMXBean sun) {
			return sun.getCpuLoad();
		}
		return -1;
	}

	private static long processCpuTime() {
		OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
		if (bean instanceof com.sun.management.OperatingSystemMXBean sun) {
			return sun.getProcessCpuTime();
		}
		return -1;
	}

	/**
	 * The figures of a window.
	 *
	 * @param requests requests admitted that ended in it
	 * @param rejected requests rejected at the gate in it
	 * @param wallNanos the summed wall time of those requests once admitted
	 * @param gateWaitNanos the summed time requests waited at the gate
	 * @param peakInFlight the most requests in flight at once
	 * @param saturatedSeconds seconds in which the gate was full: a request found every
	 * slot taken, waited at the gate or was rejected
	 * @param elapsedNanos the time the window covers, from its oldest second to now
	 * @param cpuNanos the CPU time the process spent meanwhile, or {@code -1} if the JVM
	 * cannot tell
	 * @param processors the processors available to the JVM
	 * @param hostCpuLoad how busy the host's (or the container's) processors were, all
	 * processes included, from 0 to 1, averaged over the seconds of the window, or
	 * {@code -1} if the JVM cannot tell
	 */
	public record Totals(long requests, long rejected, long wallNanos, long gateWaitNanos, int peakInFlight,
			int saturatedSeconds, long elapsedNanos, long cpuNanos, int processors, double hostCpuLoad) {
	}

	private static final class Bucket {

		private final long second;

		private final long openedNanos;

		private final long cpuAtOpenNanos;

		private final double hostCpuLoad;

		private long requests;

		private long rejected;

		private long wallNanos;

		private long waitNanos;

		private int peakInFlight;

		private boolean saturated;

		Bucket(long second, long openedNanos, long cpuAtOpenNanos, double hostCpuLoad) {
			this.second = second;
			this.openedNanos = openedNanos;
			this.cpuAtOpenNanos = cpuAtOpenNanos;
			this.hostCpuLoad = hostCpuLoad;
		}

	}

}
