package io.github.bootconcurrency.benchmark.suite;

import java.time.Duration;
import java.util.Locale;

import io.github.bootconcurrency.benchmark.load.LoadResult;
import io.github.bootconcurrency.benchmark.load.SocketError;
import io.github.bootconcurrency.benchmark.machine.Usage;
import io.github.bootconcurrency.benchmark.results.Measurement;
import io.github.bootconcurrency.benchmark.results.Measurement.Workload;

/**
 * The suite's console: one line per fact, flushed at once, so that a long run can be
 * followed (and its log read after a failure).
 */
final class SuiteLog {

	private SuiteLog() {
	}

	static void say(String format, Object... args) {
		System.out.println(String.format(Locale.ROOT, format, args));
		System.out.flush();
	}

	static void report(Measurement measurement) {
		Workload workload = measurement.workload();
		int n = measurement.n();
		LoadResult result = measurement.result();
		Usage usage = measurement.usage();
		String note = measurement.note();
		say("   %-16s N=%-6d wall %8.3f s  p50 %9s  p99 %9s  max %9s  %s; socket errors: %s%s", workload.id(), n,
				result.wallSeconds(), LoadResult.millis(result.percentile(50)),
				LoadResult.millis(result.percentile(99)), LoadResult.millis(result.max()), result.statusHistogram(),
				result.errorSummary(), (workload == Workload.HELLO_THROUGHPUT)
						? String.format(Locale.ROOT, "; %,.0f requests/s", result.throughput()) : "");
		say("   %-16s CPU: app %.2f s, workers %.2f s, client %.2f s; app GC pauses %.3f s%s", "",
				usage.appCpuSeconds(), usage.workersCpuSeconds(), usage.clientCpuSeconds(), usage.gcPauseSeconds(),
				note.isEmpty() ? "" : "; " + note);
	}

	/**
	 * Whether a step reached its bound: a request cancelled at the deadline, or the wall.
	 */
	static boolean timedOut(LoadResult result, Duration bound) {
		return result.errorCount(SocketError.DEADLINE) > 0 || result.wall().compareTo(bound) >= 0;
	}

}
