package io.github.bootconcurrency.benchmark.results;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.github.bootconcurrency.benchmark.machine.MachineInfo;
import io.github.bootconcurrency.benchmark.results.Measurement.Workload;

/**
 * Everything one run of the suite measured, in the order it was measured: the input of
 * the targets, the tables and the charts, so that no figure in the docs is typed by hand.
 */
public final class SuiteResults {

	private final SuiteOptions options;

	private final MachineInfo machine;

	private final List<AppModel> models;

	private final List<Measurement> measurements = new ArrayList<>();

	private final Map<String, List<Duration>> startups = new LinkedHashMap<>();

	private final Map<String, String> failures = new LinkedHashMap<>();

	private final List<ThroughputRun> throughput = new ArrayList<>();

	private @Nullable String wrk;

	private Duration elapsed = Duration.ZERO;

	public SuiteResults(SuiteOptions options, MachineInfo machine, List<AppModel> models) {
		this.options = options;
		this.machine = machine;
		this.models = models;
	}

	public void add(Measurement measurement) {
		this.measurements.add(measurement);
	}

	/**
	 * One round of the throughput step; its load tool measurement also goes to the
	 * measurements, for the CPU table and the CSV.
	 */
	public void throughput(ThroughputRun run) {
		this.throughput.add(run);
		if (run.own() != null) {
			this.measurements.add(run.own());
		}
	}

	/** wrk as used by the run ("/usr/bin/wrk"), or {@code null} when it was not. */
	public void wrk(@Nullable String wrk) {
		this.wrk = wrk;
	}

	public @Nullable String wrk() {
		return this.wrk;
	}

	/** The throughput rounds of a model, in round order. */
	public List<ThroughputRun> throughput(String model) {
		return this.throughput.stream().filter((run) -> run.model().equals(model)).toList();
	}

	public List<ThroughputRun> throughput() {
		return this.throughput;
	}

	public void startup(String model, Duration startup) {
		this.startups.computeIfAbsent(model, (key) -> new ArrayList<>()).add(startup);
	}

	/** The model could not be measured (it did not start, for one). */
	public void failed(String model, String reason) {
		this.failures.put(model, reason);
	}

	public void elapsed(Duration elapsed) {
		this.elapsed = elapsed;
	}

	public SuiteOptions options() {
		return this.options;
	}

	public MachineInfo machine() {
		return this.machine;
	}

	public List<AppModel> models() {
		return this.models;
	}

	public List<Measurement> measurements() {
		return this.measurements;
	}

	public Map<String, String> failures() {
		return this.failures;
	}

	public Duration elapsed() {
		return this.elapsed;
	}

	public Optional<Measurement> find(String model, Workload workload, int n) {
		return this.measurements.stream()
			.filter((m) -> m.model().equals(model) && m.workload() == workload && m.n() == n)
			.findFirst();
	}

	public Optional<Measurement> measured(String model, Workload workload, int n) {
		return find(model, workload, n).filter(Measurement::measured);
	}

	public List<Measurement> of(String model, Workload workload) {
		return this.measurements.stream().filter((m) -> m.model().equals(model) && m.workload() == workload).toList();
	}

	public List<Duration> startups(String model) {
		return this.startups.getOrDefault(model, List.of());
	}

	/** The median startup time of a model, or {@code null} if it never started. */
	public @Nullable Duration medianStartup(String model) {
		List<Duration> all = startups(model);
		if (all.isEmpty()) {
			return null;
		}
		long[] nanos = all.stream().mapToLong(Duration::toNanos).sorted().toArray();
		int middle = nanos.length / 2;
		return Duration.ofNanos((nanos.length % 2 == 1) ? nanos[middle] : (nanos[middle - 1] + nanos[middle]) / 2);
	}

	public String title(String modelId) {
		return AppModel.all()
			.stream()
			.filter((model) -> model.id().equals(modelId))
			.map(AppModel::title)
			.findFirst()
			.orElse(modelId);
	}

	static int[] sortedUnique(int[] values) {
		return Arrays.stream(values).distinct().sorted().toArray();
	}

}
