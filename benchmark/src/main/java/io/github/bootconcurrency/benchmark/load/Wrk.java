package io.github.bootconcurrency.benchmark.load;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * wrk, the native HTTP benchmarking tool, as an outside client of the throughput step: a
 * closed loop of keep-alive connections on two epoll threads, written in C, that costs
 * the machine a fraction of the CPU per request of a client in a JVM. On 2 cores the
 * client takes its CPU from the server it measures, so the ratio targets are judged on
 * wrk's figures, and the load tool's are shown next to them.
 * <p>
 * wrk's report is parsed from its standard output; a run is bounded by its duration and a
 * grace, after which the process is killed.
 */
public final class Wrk {

	private static final Pattern REQUESTS = Pattern.compile("(?m)^\\s*(\\d+) requests in ([0-9.]+)(us|ms|s|m|h),");

	private static final Pattern RATE = Pattern.compile("(?m)^Requests/sec:\\s+([0-9.]+)");

	private static final Pattern NON_2XX = Pattern.compile("(?m)^\\s*Non-2xx or 3xx responses: (\\d+)");

	private static final Pattern SOCKET_ERRORS = Pattern
		.compile("(?m)^\\s*Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

	private static final Pattern PERCENTILE = Pattern.compile("(?m)^\\s*(50|99)%\\s+([0-9.]+)(us|ms|s|m|h)\\s*$");

	private static final Duration GRACE = Duration.ofSeconds(30);

	private Wrk() {
	}

	/** wrk on the {@code PATH}, or {@code null}. */
	public static @Nullable Path find() {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String directory : path.split(File.pathSeparator)) {
			Path candidate = Path.of(directory.isEmpty() ? "." : directory, "wrk");
			if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	/**
	 * Runs wrk against {@code uri}:
	 * {@code wrk -t2 -c<connections> -d<duration> --latency}.
	 * @param wrk the executable
	 * @return what wrk reported, and the CPU time it used
	 */
	public static Result run(Path wrk, URI uri, int connections, Duration duration)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(wrk.toString(), "-t2", "-c" + connections,
				"-d" + Math.max(1, duration.toSeconds()) + "s", "--latency", uri.toString()));
		double cpuBefore = ChildrenCpu.seconds();
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		// wrk prints a few hundred bytes at the end: reading until the end is bounded by
		// the
		// process's life, which the wait below bounds.
		Thread killer = Thread.ofVirtual().start(() -> {
			try {
				if (!process.waitFor(duration.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS)) {
					process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				process.destroyForcibly();
			}
		});
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		process.waitFor();
		killer.interrupt();
		double cpu = ChildrenCpu.seconds() - cpuBefore;
		if (process.exitValue() != 0) {
			throw new IOException("wrk exited with status " + process.exitValue() + ": " + output.strip());
		}
		return parse(output, cpu);
	}

	/**
	 * Parses wrk's report.
	 * @param output wrk's standard output
	 * @param cpuSeconds the CPU time wrk used, {@code NaN} when unknown
	 * @throws IllegalArgumentException when the report has no request count or rate
	 */
	public static Result parse(String output, double cpuSeconds) {
		Matcher requests = REQUESTS.matcher(output);
		Matcher rate = RATE.matcher(output);
		if (!requests.find() || !rate.find()) {
			throw new IllegalArgumentException("Not a wrk report: " + output.strip());
		}
		long non2xx = 0;
		Matcher non = NON_2XX.matcher(output);
		if (non.find()) {
			non2xx = Long.parseLong(non.group(1));
		}
		long[] errors = new long[4];
		Matcher socket = SOCKET_ERRORS.matcher(output);
		if (socket.find()) {
			for (int i = 0; i < 4; i++) {
				errors[i] = Long.parseLong(socket.group(i + 1));
			}
		}
		Duration p50 = null;
		Duration p99 = null;
		Matcher percentile = PERCENTILE.matcher(output);
		while (percentile.find()) {
			Duration value = duration(percentile.group(2), percentile.group(3));
			if (percentile.group(1).equals("50")) {
				p50 = value;
			}
			else {
				p99 = value;
			}
		}
		return new Result(Double.parseDouble(rate.group(1)), Long.parseLong(requests.group(1)),
				duration(requests.group(2), requests.group(3)).toNanos() / 1e9, non2xx, errors[0], errors[1], errors[2],
				errors[3], p50, p99, cpuSeconds);
	}

	private static Duration duration(String value, String unit) {
		double factor = switch (unit) {
			case "us" -> 1e3;
			case "ms" -> 1e6;
			case "s" -> 1e9;
			case "m" -> 60e9;
			default -> 3600e9;
		};
		return Duration.ofNanos((long) (Double.parseDouble(value) * factor));
	}

	/**
	 * What wrk reported.
	 *
	 * @param requestsPerSecond wrk's "Requests/sec": every response, whatever its status,
	 * per second
	 * @param requests responses received
	 * @param seconds the run's length, as wrk measured it
	 * @param non2xx responses with a status of 400 or more (wrk's "Non-2xx or 3xx")
	 * @param connectErrors connections that failed
	 * @param readErrors reads that failed
	 * @param writeErrors writes that failed
	 * @param timeouts requests without a response within wrk's 2 s timeout
	 * @param p50 median latency, or {@code null}
	 * @param p99 99th percentile latency, or {@code null}
	 * @param cpuSeconds CPU time wrk used, or {@code NaN}
	 */
	public record Result(double requestsPerSecond, long requests, double seconds, long non2xx, long connectErrors,
			long readErrors, long writeErrors, long timeouts, @Nullable Duration p50, @Nullable Duration p99,
			double cpuSeconds) {

		public long socketErrors() {
			return this.connectErrors + this.readErrors + this.writeErrors + this.timeouts;
		}

		/** Responses that were not errors, per second: what the targets compare. */
		public double successesPerSecond() {
			return (this.requests > 0) ? this.requestsPerSecond * (this.requests - this.non2xx) / this.requests : 0;
		}

		public boolean clean() {
			return this.non2xx == 0 && socketErrors() == 0;
		}

		public String errorSummary() {
			if (clean()) {
				return "none";
			}
			return String.format(Locale.ROOT,
					"non-2xx/3xx %d; socket errors: connect %d, read %d, write %d, timeout %d", this.non2xx,
					this.connectErrors, this.readErrors, this.writeErrors, this.timeouts);
		}

	}

	/**
	 * CPU time of this process's children that have ended and been waited for, from
	 * {@code /proc/self/stat} (cutime and cstime): around a wrk run, while the app still
	 * runs, that is wrk's own.
	 */
	static final class ChildrenCpu {

		/** Linux's USER_HZ, which the kernel exports in /proc whatever its own tick. */
		private static final double TICKS_PER_SECOND = 100;

		private ChildrenCpu() {
		}

		static double seconds() {
			try {
				String stat = Files.readString(Path.of("/proc/self/stat"));
				// The command name may hold spaces: fields count from after its ')'.
				String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
				// Fields 16 and 17 of proc(5), the 14th and 15th after the name.
				return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / TICKS_PER_SECOND;
			}
			catch (IOException | RuntimeException ex) {
				return Double.NaN;
			}
		}

	}

}
