package io.github.bootconcurrency.benchmark.machine;

import java.util.Locale;

/**
 * What one step cost the machine: the CPU time the app (its master, or its only JVM), its
 * workers and the load tool used while the step ran, and the time the app stood in GC
 * pauses. On a 2-core machine the client shares the cores with the server it measures, so
 * a step whose CPU time adds up to cores × wall was limited by the CPU, not by the model;
 * these figures tell which part of the machine went where.
 *
 * @param appCpuSeconds CPU time of the app's own process (the master under multi-jvm)
 * @param workersCpuSeconds CPU time of its child processes (the multi-jvm workers)
 * @param clientCpuSeconds CPU time of the load tool's process
 * @param gcPauseSeconds GC pause time of the app (single-JVM models only, from its
 * {@code jvm.gc.pause} metric), or {@code NaN} when not known
 */
public record Usage(double appCpuSeconds, double workersCpuSeconds, double clientCpuSeconds, double gcPauseSeconds) {

	public static final Usage UNKNOWN = new Usage(Double.NaN, Double.NaN, Double.NaN, Double.NaN);

	/** CPU time of the app and its workers together. */
	public double serverCpuSeconds() {
		return this.appCpuSeconds + this.workersCpuSeconds;
	}

	/**
	 * The share of the machine's CPU time the app and the client used together.
	 * @param wallSeconds the step's wall time
	 * @param cores the machine's cores
	 * @return from 0 to about 1 ({@code NaN} when unknown)
	 */
	public double busy(double wallSeconds, int cores) {
		return (serverCpuSeconds() + this.clientCpuSeconds) / (wallSeconds * cores);
	}

	public boolean known() {
		return !Double.isNaN(this.appCpuSeconds);
	}

	/**
	 * {@code seconds} over {@code requests}, as microseconds a request, or "-" without
	 * requests.
	 */
	public static String microsPerRequest(double seconds, long requests) {
		return (requests > 0) ? String.format(Locale.ROOT, "%,.0f µs", seconds * 1e6 / requests) : "-";
	}

	/**
	 * A reading of the counters at one moment; two readings make a {@link Usage}.
	 *
	 * @param app CPU seconds of the app's process so far
	 * @param workers CPU seconds of its children so far
	 * @param client CPU seconds of this process so far
	 * @param gcPause GC pause seconds of the app so far, or {@code NaN}
	 */
	public record Reading(double app, double workers, double client, double gcPause) {

		/**
		 * Reads the CPU time so far of {@code app} (none when {@code null}), of its
		 * children and of this process.
		 */
		public static Reading of(ProcessHandle app, double gcPause) {
			double own = (app != null) ? cpuSeconds(app) : 0;
			double children = (app != null) ? app.descendants().mapToDouble(Reading::cpuSeconds).sum() : 0;
			return new Reading(own, children, cpuSeconds(ProcessHandle.current()), gcPause);
		}

		/**
		 * CPU time so far of {@code process}, or {@code NaN} where the OS does not say.
		 */
		private static double cpuSeconds(ProcessHandle process) {
			return process.info().totalCpuDuration().map((duration) -> duration.toNanos() / 1e9).orElse(Double.NaN);
		}

		public Usage until(Reading later) {
			return new Usage(later.app - this.app, later.workers - this.workers, later.client - this.client,
					later.gcPause - this.gcPause);
		}

	}

}
