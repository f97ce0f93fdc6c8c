package io.github.bootconcurrency.benchmark.results;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.github.bootconcurrency.benchmark.load.LoadResult;
import io.github.bootconcurrency.benchmark.machine.Usage;

/**
 * One step of the suite on one model: a workload at one N (requests at once, or
 * connections for a closed loop), and what the load tool measured. A step not run
 * (because a smaller N of the same workload already reached the step's time bound) has no
 * result and says why in {@code note}.
 *
 * @param model the model's id
 * @param workload the workload
 * @param n requests at once, or connections of a closed loop
 * @param result what was measured, or {@code null} when the step was skipped
 * @param timedOut whether the step reached its time bound
 * @param note why a step was skipped, or an empty string
 * @param usage what the step cost the machine, {@link Usage#UNKNOWN} when not measured
 */
public record Measurement(String model, Workload workload, int n, @Nullable LoadResult result, boolean timedOut,
		String note, Usage usage) {

	public Measurement(String model, Workload workload, int n, LoadResult result, boolean timedOut, String note) {
		this(model, workload, n, result, timedOut, note, Usage.UNKNOWN);
	}

	public static Measurement skipped(String model, Workload workload, int n, String note) {
		return new Measurement(model, workload, n, null, false, note);
	}

	public boolean measured() {
		return this.result != null;
	}

	public double wallSeconds() {
		return measured() ? this.result.wallSeconds() : Double.NaN;
	}

	/** Whether every request was answered with a 2xx within the bound. */
	public boolean clean() {
		return measured() && !this.timedOut && this.result.failures() == 0;
	}

	public static double seconds(Duration duration) {
		return (duration != null) ? duration.toNanos() / 1e9 : Double.NaN;
	}

	/**
	 * The workloads of the suite.
	 */
	public enum Workload {

		/** {@code /cpu-bound}, N at once. */
		CPU("cpu", "CPU-bound (/cpu-bound), N at once"),

		/** {@code /io-bound?s=...}, N at once. */
		IO("io", "IO-bound (/io-bound), N at once"),

		/** {@code /hello}, N at once: the cost of setting up N connections. */
		HELLO_BURST("hello-burst", "hello, N at once"),

		/** {@code /hello} in a closed loop of N connections: throughput. */
		HELLO_THROUGHPUT("hello-throughput", "hello, closed loop");

		private final String id;

		private final String title;

		Workload(String id, String title) {
			this.id = id;
			this.title = title;
		}

		public String id() {
			return this.id;
		}

		String title() {
			return this.title;
		}

		/**
		 * Whether this workload is on {@code /hello}, the only route the baseline runs.
		 */
		public boolean hello() {
			return this == HELLO_BURST || this == HELLO_THROUGHPUT;
		}

		static Workload of(String id) {
			for (Workload workload : values()) {
				if (workload.id.equals(id)) {
					return workload;
				}
			}
			throw new IllegalArgumentException(
					"Unknown workload '" + id + "'; known: cpu, io, hello-burst, hello-throughput, startup");
		}

	}

}
