package io.github.bootconcurrency.benchmark.load;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records the outcome of requests made by one thread; recorders of several threads are
 * merged into a {@link LoadResult} at the end. One per thread, so that recording costs no
 * lock while the load runs (a closed loop on hello makes tens of thousands of requests a
 * second).
 */
final class Recorder {

	private long[] latencies = new long[8];

	private int size;

	private final Map<Integer, Integer> statuses = new TreeMap<>();

	private final Map<SocketError, Integer> errors = new EnumMap<>(SocketError.class);

	private final AtomicInteger finished;

	/**
	 * @param finished counter shared by every recorder of a run, read by the progress
	 * printer while the run goes on
	 */
	Recorder(AtomicInteger finished) {
		this.finished = finished;
	}

	void response(int status, long latencyNanos) {
		if (this.size == this.latencies.length) {
			this.latencies = Arrays.copyOf(this.latencies, this.size * 2);
		}
		this.latencies[this.size++] = latencyNanos;
		this.statuses.merge(status, 1, Integer::sum);
		this.finished.incrementAndGet();
	}

	void error(SocketError error) {
		this.errors.merge(error, 1, Integer::sum);
		this.finished.incrementAndGet();
	}

	long[] latencies() {
		return Arrays.copyOf(this.latencies, this.size);
	}

	Map<Integer, Integer> statuses() {
		return this.statuses;
	}

	Map<SocketError, Integer> errors() {
		return this.errors;
	}

}
