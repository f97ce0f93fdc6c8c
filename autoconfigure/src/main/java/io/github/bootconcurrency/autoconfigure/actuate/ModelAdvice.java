package io.github.bootconcurrency.autoconfigure.actuate;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

import io.github.bootconcurrency.autoconfigure.admission.RequestWindow;
import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;

/**
 * Says which model fits the load of the last minute, from what the requests did: the
 * seeds' "IO-bound: gevent, CPU-bound: more workers", measured rather than assumed.
 *
 * <p>
 * The blocking ratio is the share of the requests' summed wall time that the process did
 * not spend on a CPU: {@code 1 - cpu / wall}. The process's CPU time includes the
 * collector's, the compiler's and anything else the JVM runs, so the ratio is a lower
 * bound of the requests' waiting. Waiting for a core is waiting too, and looks like IO
 * from the ratio alone, so the rules look first at how busy the cores were. In order:
 * <ol>
 * <li>fewer than {@value #MIN_REQUESTS} requests ended in the window and they took less
 * than {@value #MIN_WALL_SECONDS} s in all, or the JVM cannot tell its CPU time: no
 * advice ({@code unknown});</li>
 * <li>the process kept the cores at least {@value #BUSY_CORES_PERCENT} % busy:
 * {@code cpu-bound}, requests waited for a core;</li>
 * <li>the host's cores, other processes included, were at least
 * {@value #BUSY_HOST_PERCENT} % busy and the blocking ratio is under
 * {@value #IO_BOUND_PERCENT} %: {@code cpu-bound}, the waiting cannot be told from
 * waiting for a core, and more threads would not get more of them;</li>
 * <li>a blocking ratio of at least {@value #IO_BOUND_PERCENT} %: {@code io-bound},
 * {@code virtual} fits;</li>
 * <li>a blocking ratio of at most {@value #CPU_BOUND_PERCENT} %: {@code cpu-bound},
 * {@code platform} with about as many threads as cores fits;</li>
 * <li>otherwise {@code mixed}: {@code platform} with cores / (1 - blocking ratio)
 * threads, the pool size that keeps every core busy (Goetz's formula).</li>
 * </ol>
 */
public final class ModelAdvice {

	static final int MIN_REQUESTS = 10;

	static final int MIN_WALL_SECONDS = 10;

	static final int BUSY_CORES_PERCENT = 80;

	static final int IO_BOUND_PERCENT = 80;

	static final int BUSY_HOST_PERCENT = 90;

	static final int CPU_BOUND_PERCENT = 50;

	private ModelAdvice() {
	}

	/**
	 * Advise on a window's figures.
	 * @param totals the figures of the last minute
	 * @param model the model in force (inside a multi-jvm worker, the worker's)
	 * @param limit the most requests in flight at once under that model
	 * @return the advice
	 */
	static AdviceDescriptor advise(RequestWindow.Totals totals, ConcurrencyModel model, int limit) {
		double wall = totals.wallNanos() / 1e9;
		double cpu = (totals.cpuNanos() >= 0) ? totals.cpuNanos() / 1e9 : -1;
		double elapsed = totals.elapsedNanos() / 1e9;
		int cores = totals.processors();
		boolean enough = totals.requests() >= MIN_REQUESTS || (totals.requests() > 0 && wall >= MIN_WALL_SECONDS);
		if (!enough || cpu < 0 || wall <= 0) {
			String why = (!enough || wall <= 0)
					? "too few requests in the last minute (" + totals.requests() + ", taking "
							+ String.format(Locale.ROOT, "%.1f", wall) + " s; at least " + MIN_REQUESTS
							+ " requests or " + MIN_WALL_SECONDS + " s needed)"
					: "this JVM does not report its process CPU time";
			return descriptor(totals, null, null, "unknown", null, "No advice: " + why + ".");
		}
		double blocking = Math.max(0, 1 - cpu / wall);
		double busy = (elapsed > 0) ? Math.min(1, cpu / (elapsed * cores)) : 0;
		String pool = describe(model, limit);
		String saturated = (totals.saturatedSeconds() > 0)
				? pool + " was saturated for " + totals.saturatedSeconds() + " s" : pool + " was never full";
		if (busy * 100 >= BUSY_CORES_PERCENT) {
			return descriptor(totals, blocking, busy, "cpu-bound", "platform",
					"the " + cores + " cores were " + percent(busy) + " busy (CPU-bound): requests waited for a core, "
							+ "not for IO, and threads beyond the " + cores + " cores only queue: `platform` with "
							+ cores + " threads fits; `multi-jvm` adds isolation, not speed (" + saturated + ")");
		}
		if (totals.hostCpuLoad() * 100 >= BUSY_HOST_PERCENT && blocking * 100 < IO_BOUND_PERCENT) {
			return descriptor(totals, blocking, busy, "cpu-bound", "platform",
					"the host's " + cores + " cores were " + percent(totals.hostCpuLoad())
							+ " busy, other processes included, and requests spent " + percent(blocking)
							+ " of their time off the CPU (CPU-bound): waiting for a core cannot be told from IO "
							+ "there, and threads beyond the " + cores + " cores only queue: `platform` with about "
							+ cores + " threads fits; `multi-jvm` adds isolation, not speed (" + saturated + ")");
		}
		if (blocking * 100 >= IO_BOUND_PERCENT) {
			String inUse = (model == ConcurrencyModel.VIRTUAL) ? " (in use; " + saturated + ")" : "; " + saturated;
			return descriptor(totals, blocking, busy, "io-bound", "virtual",
					"requests spent " + percent(blocking) + " of their time waiting (IO-bound): `virtual` fits" + inUse
							+ "; `platform` would need about " + threadsFor(cores, blocking) + " threads to keep the "
							+ cores + " cores busy");
		}
		if (blocking * 100 <= CPU_BOUND_PERCENT) {
			return descriptor(totals, blocking, busy, "cpu-bound", "platform",
					"requests spent " + percent(1 - blocking) + " of their time on the CPU (CPU-bound): threads "
							+ "beyond the " + cores + " cores only queue: `platform` with about " + cores
							+ " threads fits; `multi-jvm` adds isolation, not speed (" + saturated + ")");
		}
		return descriptor(totals, blocking, busy, "mixed", "platform",
				"requests spent " + percent(blocking) + " of their time waiting (mixed): `platform` with about "
						+ threadsFor(cores, blocking) + " threads (" + cores + " cores / (1 - "
						+ String.format(Locale.ROOT, "%.2f", blocking) + ")) keeps the cores busy without queueing; "
						+ "`virtual` fits if the waiting grows (" + saturated + ")");
	}

	private static String describe(ConcurrencyModel model, int limit) {
		return (model == ConcurrencyModel.PLATFORM) ? "`platform` with " + limit + " threads"
				: "`" + model.value() + "` with its limit of " + limit;
	}

	private static long threadsFor(int cores, double blocking) {
		return Math.round(Math.ceil(cores / Math.max(0.001, 1 - blocking)));
	}

	private static String percent(double share) {
		return Math.round(share * 100) + " %";
	}

	private static AdviceDescriptor descriptor(RequestWindow.Totals totals, @Nullable Double blocking,
			@Nullable Double busy, String category, @Nullable String model, String recommendation) {
		return new AdviceDescriptor(RequestWindow.LENGTH.toSeconds(), totals.requests(), totals.rejected(),
				round(totals.wallNanos() / 1e9), (totals.cpuNanos() >= 0) ? round(totals.cpuNanos() / 1e9) : null,
				(blocking != null) ? round(blocking) : null, (busy != null) ? round(busy) : null,
				(totals.hostCpuLoad() >= 0) ? round(totals.hostCpuLoad()) : null, totals.peakInFlight(),
				round(totals.gateWaitNanos() / 1e9), totals.saturatedSeconds(), category, model, recommendation);
	}

	private static double round(double value) {
		return Math.round(value * 1000) / 1000.0;
	}

	/**
	 * Which model fits the load of the last minute, and the figures it was read from.
	 *
	 * @param windowSeconds the length of the window
	 * @param requests requests admitted that ended in the window
	 * @param rejected requests rejected at the gate in the window
	 * @param wallSeconds the requests' summed wall time, once admitted
	 * @param cpuSeconds the CPU time the process spent in the window, if known
	 * @param blockingRatio the share of the requests' wall time not spent on a CPU
	 * @param coresBusy the share of the available cores' time the process used
	 * @param hostCpuLoad how busy the host's cores were, other processes included, if
	 * known
	 * @param peakInFlight the most requests in flight at once
	 * @param gateWaitSeconds the summed time requests waited at the gate
	 * @param saturatedSeconds seconds in which the gate was full
	 * @param category {@code io-bound}, {@code cpu-bound}, {@code mixed} or
	 * {@code unknown}
	 * @param advisedModel the model that fits, if any
	 * @param recommendation the advice, in words
	 */
	public record AdviceDescriptor(long windowSeconds, long requests, long rejected, double wallSeconds,
			@Nullable Double cpuSeconds, @Nullable Double blockingRatio, @Nullable Double coresBusy,
			@Nullable Double hostCpuLoad, int peakInFlight, double gateWaitSeconds, int saturatedSeconds,
			String category, @Nullable String advisedModel, String recommendation) {
	}

}
