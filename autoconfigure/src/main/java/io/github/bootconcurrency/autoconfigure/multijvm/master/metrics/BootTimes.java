package io.github.bootconcurrency.autoconfigure.multijvm.master.metrics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * How long workers took to boot, from their launch to their ready heartbeat, by what they
 * made of the AOT cache: the master's {@value #NAME} histogram, so that a cache that
 * stopped helping, or boots that creep towards {@code boot-timeout}, show. A boot is
 * labelled once, as the worker's ready line says it: a refusal its JVM printed before the
 * application started but the master read after that line leaves the sample under
 * {@code used} (a histogram's sample cannot move), while the cluster view says
 * {@code refused} and the master logs the refusal, saying it came after the ready line.
 *
 * <p>
 * Design: the master has no meter registry, so it keeps fixed buckets of its own, from
 * half a second (a small worker JVM with the cache) to two minutes, past the default
 * {@code boot-timeout} of 90 s, so that boots near it are counted apart from the others;
 * only a longer {@code boot-timeout} leaves boots to {@code +Inf} alone. A state appears
 * once a worker of it became ready, as Prometheus clients do with a label value first
 * seen. Recorded on the loop, rarely; read by scrapes on the channel's threads, hence the
 * lock, which keeps each state's buckets, count and sum of one moment.
 */
public final class BootTimes {

	static final String NAME = "concurrency_master_worker_boot_seconds";

	private static final String HELP = "Time from a worker's launch to its first ready heartbeat, "
			+ "by what it made of the AOT cache.";

	/**
	 * Upper bounds of the buckets, in milliseconds; the last, {@code +Inf}, is the count.
	 */
	private static final long[] BOUNDS = { 500, 1000, 2000, 3000, 5000, 10_000, 20_000, 60_000, 90_000, 120_000 };

	private final Map<String, Histogram> byAotCache = new TreeMap<>();

	/**
	 * Record a worker that became ready.
	 * @param aotCache what it made of the AOT cache, in one word
	 * @param bootTime the time from its launch to its ready heartbeat
	 */
	public synchronized void record(String aotCache, Duration bootTime) {
		this.byAotCache.computeIfAbsent(aotCache, (state) -> new Histogram()).record(Math.max(0, bootTime.toMillis()));
	}

	/**
	 * Write the histogram of each state that was recorded.
	 * @param series where it goes
	 */
	public void describe(MetricFamilies series) {
		Map<String, Histogram> copies = new TreeMap<>();
		synchronized (this) {
			this.byAotCache.forEach((state, histogram) -> copies.put(state, histogram.copy()));
		}
		copies.forEach((state, histogram) -> {
			for (int i = 0; i < BOUNDS.length; i++) {
				sample(series, "_bucket", state, Double.toString(BOUNDS[i] / 1000.0), histogram.buckets[i]);
			}
			sample(series, "_bucket", state, "+Inf", histogram.count);
			sample(series, "_count", state, null, histogram.count);
			series.add(NAME, "_sum", "histogram", HELP, Map.of("aot_cache", state), histogram.sumMillis / 1000.0);
		});
	}

	private static void sample(MetricFamilies series, String suffix, String state, @Nullable String le, long value) {
		Map<String, String> labels = new LinkedHashMap<>();
		labels.put("aot_cache", state);
		if (le != null) {
			labels.put("le", le);
		}
		series.add(NAME, suffix, "histogram", HELP, labels, value);
	}

	private static final class Histogram {

		/**
		 * Workers at or below each bound, cumulative as the format wants them.
		 */
		private final long[] buckets = new long[BOUNDS.length];

		private long count;

		private long sumMillis;

		void record(long millis) {
			for (int i = 0; i < BOUNDS.length; i++) {
				if (millis <= BOUNDS[i]) {
					this.buckets[i]++;
				}
			}
			this.count++;
			this.sumMillis += millis;
		}

		Histogram copy() {
			Histogram copy = new Histogram();
			System.arraycopy(this.buckets, 0, copy.buckets, 0, BOUNDS.length);
			copy.count = this.count;
			copy.sumMillis = this.sumMillis;
			return copy;
		}

	}

}
