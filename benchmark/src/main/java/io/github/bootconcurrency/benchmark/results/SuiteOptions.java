package io.github.bootconcurrency.benchmark.results;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import io.github.bootconcurrency.benchmark.cli.Arguments;
import io.github.bootconcurrency.benchmark.load.LoadClient;
import io.github.bootconcurrency.benchmark.results.Measurement.Workload;

/**
 * The suite's options. {@code --quick} changes the defaults to a smoke run of a few
 * minutes: small N, short durations; any option given explicitly still wins.
 *
 * @param quick whether this is a smoke run (said in the generated docs)
 * @param models the configurations to measure
 * @param workloads the workloads to run
 * @param startupRuns extra starts of {@code platform} and {@code no-starter}, alternated,
 * for the startup-time comparison ({@code 0} for none)
 * @param jar the sample app's jar
 * @param appJvmArguments extra JVM options for the app (and its workers)
 * @param docs the docs directory: reads {@code benchmarks/template.md}, writes
 * {@code benchmarks.md} and {@code benchmarks/*.png}
 * @param cpuN N of the CPU-bound workload
 * @param ioN N of the IO-bound workload
 * @param ioSleepSeconds sleep of the IO-bound route
 * @param helloBurst N of the hello-at-once workload
 * @param connections connections of the hello closed loop
 * @param duration duration of the hello closed loop
 * @param warmup duration of the hello closed loop of the warm-up
 * @param stepTimeout bound on one step: connect and read timeouts, and the step's
 * deadline
 * @param bootTimeout bound on the app's startup
 * @param pause pause between steps, so that one step's connections are gone before the
 * next
 * @param client the load tool's client
 * @param cpuSamples runs of each CPU-bound step, of which the median is kept: the wall
 * time of the same CPU-bound code varies by several percent from one JVM to the next
 * @param throughputWarmup untimed closed loop of the throughput step's own shape, run
 * just before it on every model: the JIT needs about half a minute of hello load to
 * settle, and without it a model measured after fewer other steps would be measured
 * colder
 * @param throughputRounds rounds of the throughput step: each round starts every model
 * afresh and measures it with wrk then with the load tool; rounds after the first run
 * only the models of the ratio targets
 */
public record SuiteOptions(boolean quick, List<AppModel> models, Set<Workload> workloads, int startupRuns, Path jar,
		List<String> appJvmArguments, Path docs, int[] cpuN, int[] ioN, double ioSleepSeconds, int helloBurst,
		int connections, Duration duration, Duration warmup, Duration stepTimeout, Duration bootTimeout, Duration pause,
		LoadClient.Kind client, int cpuSamples, Duration throughputWarmup, int throughputRounds) {

	static final String DEFAULT_JAR = "sample-app/target/concurrency-sample-app-0.1.0-SNAPSHOT.jar";

	private static final Duration MAX = Duration.ofHours(1);

	public static SuiteOptions parse(Arguments arguments) {
		boolean quick = arguments.flag("quick");
		List<AppModel> models = AppModel.select(arguments.list("models", List.of()));
		List<String> workloadIds = arguments.list("workloads",
				List.of("cpu", "io", "hello-burst", "hello-throughput", "startup"));
		Set<Workload> workloads = EnumSet.noneOf(Workload.class);
		boolean startup = false;
		for (String id : workloadIds) {
			if (id.equals("startup")) {
				startup = true;
			}
			else {
				workloads.add(Workload.of(id));
			}
		}
		int startupRuns = startup ? arguments.integer("startup-runs", quick ? 1 : 5, 0, 50) : 0;
		SuiteOptions options = new SuiteOptions(quick, models, workloads, startupRuns,
				Path.of(arguments.string("jar", DEFAULT_JAR)), AppModel.split(arguments.string("app-jvm-args", "")),
				Path.of(arguments.string("docs", "docs")),
				ints(arguments.list("cpu-n", quick ? List.of("1", "2") : List.of("1", "2", "4", "8")), 64),
				ints(arguments.list("io-n",
						quick ? List.of("10", "100", "1000") : List.of("10", "100", "1000", "10000")), 10_000),
				arguments.decimal("io-sleep", 1, 0, 60),
				arguments.integer("hello-burst", quick ? 1000 : 10_000, 1, 10_000),
				arguments.integer("connections", 64, 1, 10_000),
				arguments.duration("duration", quick ? Duration.ofSeconds(3) : Duration.ofSeconds(10), MAX),
				arguments.duration("warmup", quick ? Duration.ofSeconds(2) : Duration.ofSeconds(10), MAX),
				arguments.duration("step-timeout", quick ? Duration.ofSeconds(60) : Duration.ofSeconds(180), MAX),
				arguments.duration("boot-timeout", Duration.ofSeconds(120), MAX),
				arguments.duration("pause", quick ? Duration.ofMillis(500) : Duration.ofSeconds(2), MAX),
				LoadClient.Kind.of(arguments.string("client", LoadClient.Kind.SOCKET.id())),
				arguments.integer("cpu-samples", quick ? 1 : 3, 1, 9),
				arguments.duration("throughput-warmup", quick ? Duration.ofSeconds(3) : Duration.ofSeconds(30), MAX),
				arguments.integer("throughput-rounds", quick ? 1 : 2, 1, 5));
		return options;
	}

	private static int[] ints(List<String> values, int max) {
		int[] parsed = values.stream().mapToInt(Integer::parseInt).toArray();
		for (int value : parsed) {
			if (value < 1 || value > max) {
				throw new IllegalArgumentException("N must be from 1 to " + max + ", was " + value);
			}
		}
		return SuiteResults.sortedUnique(parsed);
	}

	/** A number as the options print it: {@code 1} rather than {@code 1.0}. */
	public static String fmt(double value) {
		return (value == Math.rint(value)) ? String.valueOf((long) value) : String.valueOf(value);
	}

	/** The suite's own options, as a command line, for the docs. */
	public String describe() {
		List<String> parts = new ArrayList<>();
		parts.add("quick=" + this.quick);
		parts.add("models " + String.join(", ", this.models.stream().map(AppModel::id).toList()));
		if (this.workloads.contains(Workload.CPU)) {
			parts.add("CPU N=" + Arrays.toString(this.cpuN) + " (median of " + this.cpuSamples + " run"
					+ ((this.cpuSamples > 1) ? "s" : "") + " each)");
		}
		if (this.workloads.contains(Workload.IO)) {
			parts.add("IO N=" + Arrays.toString(this.ioN) + " (sleep " + fmt(this.ioSleepSeconds) + " s)");
		}
		if (this.workloads.contains(Workload.HELLO_BURST)) {
			parts.add("hello at once N=" + this.helloBurst);
		}
		if (this.workloads.contains(Workload.HELLO_THROUGHPUT)) {
			parts.add("hello closed loop " + this.connections + " connections × " + this.duration.toSeconds()
					+ " s (wrk, then the load tool) on a fresh app after " + this.throughputWarmup.toSeconds()
					+ " s of the same (twice that for multi-jvm), untimed, " + this.throughputRounds + " round"
					+ ((this.throughputRounds > 1) ? "s" : ""));
		}
		parts.add("client " + this.client.id());
		parts.add("warm-up " + this.warmup.toSeconds() + " s");
		parts.add("step bound " + this.stepTimeout.toSeconds() + " s");
		parts.add("startup runs " + this.startupRuns);
		parts.add("app JVM options: "
				+ (this.appJvmArguments.isEmpty() ? "none" : String.join(" ", this.appJvmArguments)));
		return String.join(", ", parts);
	}

}
