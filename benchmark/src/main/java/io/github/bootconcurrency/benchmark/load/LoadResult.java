package io.github.bootconcurrency.benchmark.load;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * What a run of the load tool measured: its wall time, the latency of every request that
 * got an HTTP response (whatever its status), the histogram of statuses, and the socket
 * errors, counted apart.
 * <p>
 * Percentiles are nearest-rank over the responses: p50 of ten latencies is the 5th
 * smallest, p99 of a hundred the 99th. Requests that failed with a socket error have no
 * latency in them; they are counted in {@link #errors()} instead, so that a run where
 * half the connections were refused cannot look fast.
 */
public final class LoadResult {

	private final String description;

	private final long wallNanos;

	private final long[] sortedLatencies;

	private final Map<Integer, Integer> statuses;

	private final Map<SocketError, Integer> errors;

	public LoadResult(String description, long wallNanos, long[] latencies, Map<Integer, Integer> statuses,
			Map<SocketError, Integer> errors) {
		this.description = description;
		this.wallNanos = wallNanos;
		this.sortedLatencies = latencies.clone();
		Arrays.sort(this.sortedLatencies);
		this.statuses = Collections.unmodifiableMap(new TreeMap<>(statuses));
		Map<SocketError, Integer> copy = new EnumMap<>(SocketError.class);
		copy.putAll(errors);
		this.errors = Collections.unmodifiableMap(copy);
	}

	static LoadResult merge(String description, long wallNanos, Collection<Recorder> recorders) {
		long[] latencies = recorders.stream().map(Recorder::latencies).flatMapToLong(Arrays::stream).toArray();
		Map<Integer, Integer> statuses = new TreeMap<>();
		Map<SocketError, Integer> errors = new EnumMap<>(SocketError.class);
		for (Recorder recorder : recorders) {
			recorder.statuses().forEach((status, count) -> statuses.merge(status, count, Integer::sum));
			recorder.errors().forEach((error, count) -> errors.merge(error, count, Integer::sum));
		}
		return new LoadResult(description, wallNanos, latencies, statuses, errors);
	}

	String description() {
		return this.description;
	}

	public Duration wall() {
		return Duration.ofNanos(this.wallNanos);
	}

	public double wallSeconds() {
		return this.wallNanos / 1e9;
	}

	/** Requests that got an HTTP response, whatever its status. */
	int responses() {
		return this.sortedLatencies.length;
	}

	/** Every request made: responses and socket errors. */
	public int requests() {
		return responses() + errorCount();
	}

	int count(int status) {
		return this.statuses.getOrDefault(status, 0);
	}

	/** Responses with a status from 200 to 299. */
	public int successes() {
		return this.statuses.entrySet()
			.stream()
			.filter((entry) -> entry.getKey() >= 200 && entry.getKey() < 300)
			.mapToInt(Map.Entry::getValue)
			.sum();
	}

	/** Requests that did not end with a 2xx: other statuses and socket errors. */
	public int failures() {
		return requests() - successes();
	}

	int errorCount() {
		return this.errors.values().stream().mapToInt(Integer::intValue).sum();
	}

	public int errorCount(SocketError error) {
		return this.errors.getOrDefault(error, 0);
	}

	Map<Integer, Integer> statuses() {
		return this.statuses;
	}

	Map<SocketError, Integer> errors() {
		return this.errors;
	}

	/**
	 * The nearest-rank percentile of the response latencies.
	 * @param percent from 0 (exclusive) to 100
	 * @return the latency, or {@code null} without any response
	 */
	public @Nullable Duration percentile(double percent) {
		if (this.sortedLatencies.length == 0) {
			return null;
		}
		int rank = (int) Math.ceil(percent / 100.0 * this.sortedLatencies.length);
		int index = Math.min(Math.max(rank, 1), this.sortedLatencies.length) - 1;
		return Duration.ofNanos(this.sortedLatencies[index]);
	}

	public Duration max() {
		return (this.sortedLatencies.length != 0)
				? Duration.ofNanos(this.sortedLatencies[this.sortedLatencies.length - 1]) : null;
	}

	/** Successful (2xx) responses per second of wall time. */
	public double throughput() {
		return (this.wallNanos > 0) ? successes() / (this.wallNanos / 1e9) : 0;
	}

	public String statusHistogram() {
		if (this.statuses.isEmpty()) {
			return "none";
		}
		return this.statuses.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + " × " + entry.getValue())
			.collect(Collectors.joining(", "));
	}

	public String errorSummary() {
		if (this.errors.isEmpty()) {
			return "none";
		}
		return this.errors.entrySet()
			.stream()
			.map((entry) -> entry.getKey().description() + " × " + entry.getValue())
			.collect(Collectors.joining(", "));
	}

	/** The report printed by the load tool, one fact a line. */
	public String format() {
		StringBuilder report = new StringBuilder();
		report.append(this.description).append('\n');
		report.append(String.format(Locale.ROOT, "  wall time      %.3f s%n", wallSeconds()));
		report.append(String.format(Locale.ROOT, "  requests       %d (%d responses, %d socket errors)%n", requests(),
				responses(), errorCount()));
		report.append(String.format(Locale.ROOT, "  latency        p50 %s, p99 %s, max %s%n", millis(percentile(50)),
				millis(percentile(99)), millis(max())));
		report.append("  statuses       ").append(statusHistogram()).append('\n');
		report.append("  socket errors  ").append(errorSummary()).append('\n');
		report.append(String.format(Locale.ROOT, "  throughput     %.1f successful requests/s%n", throughput()));
		return report.toString();
	}

	public static String millis(Duration duration) {
		if (duration == null) {
			return "-";
		}
		double millis = duration.toNanos() / 1e6;
		if (millis >= 1000) {
			return String.format(Locale.ROOT, "%.2f s", millis / 1000);
		}
		return String.format(Locale.ROOT, "%.1f ms", millis);
	}

}
