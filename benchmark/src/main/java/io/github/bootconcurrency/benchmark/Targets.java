package io.github.bootconcurrency.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.github.bootconcurrency.benchmark.Measurement.Workload;

/**
 * The targets, evaluated on the figures of one run, so that a comparison never
 * mixes a quiet hour with a busy one. A target whose figures are missing (its model or
 * workload was not selected, or failed) is reported as not measured rather than passed.
 */
final class Targets {

	/**
	 * The Python original's CPU-bound request under Gunicorn, on this kind of machine.
	 */
	static final double PYTHON_CPU_SECONDS = 1.9;

	private Targets() {
	}

	static List<Target> evaluate(SuiteResults results) {
		List<Target> targets = new ArrayList<>();
		ioAtOnce(results, targets);
		for (String model : List.of(AppModel.PLATFORM, AppModel.VIRTUAL)) {
			cpuScaling(results, model, targets);
		}
		for (String balancer : List.of("proxy", "shared-socket")) {
			double share = balancer.equals("proxy") ? 0.60 : 0.85;
			for (String workerModel : List.of("platform", "virtual")) {
				helloShare(results, AppModel.multiJvmId(workerModel, balancer), share, targets);
			}
		}
		overhead(results, targets);
		pythonComparison(results, targets);
		return targets;
	}

	private static void ioAtOnce(SuiteResults results, List<Target> targets) {
		int n = 10_000;
		double sleep = results.options().ioSleepSeconds();
		String name = String.format(Locale.ROOT,
				"virtual (defaults): %,d IO-bound requests (sleep %s s) at once in ≤ %s s + 1.3 × wall of %,d hello at once, all 2xx",
				n, fmt(sleep), fmt(sleep), n);
		Optional<Measurement> io = results.measured(AppModel.VIRTUAL, Workload.IO, n);
		Optional<Measurement> hello = results.measured(AppModel.VIRTUAL, Workload.HELLO_BURST, n);
		if (io.isEmpty() || hello.isEmpty()) {
			targets.add(Target.notMeasured(name, "needs IO N=10000 and hello at once N=10000 on virtual"));
			return;
		}
		double limit = sleep + 1.3 * hello.get().wallSeconds();
		double wall = io.get().wallSeconds();
		boolean pass = wall <= limit && io.get().clean();
		targets
			.add(new Target(name, String.format(Locale.ROOT, "%.2f s (limit %.2f s; hello at once %.2f s; failed %d)",
					wall, limit, hello.get().wallSeconds(), io.get().result().failures()), pass));
	}

	private static void cpuScaling(SuiteResults results, String model, List<Target> targets) {
		int cores = results.machine().cores();
		String name = results.title(model) + ": CPU-bound wall(N) ≤ ceil(N / " + cores
				+ ") × wall(1) / 0.9 (≥ 90 % of the " + cores + "-core ideal)";
		Optional<Measurement> one = results.measured(model, Workload.CPU, 1);
		List<Measurement> others = results.of(model, Workload.CPU).stream().filter((m) -> m.n() > 1).toList();
		if (one.isEmpty() || others.isEmpty() || !others.stream().allMatch(Measurement::measured)) {
			targets.add(Target.notMeasured(name, "needs CPU N=1 and N>1"));
			return;
		}
		double wall1 = one.get().wallSeconds();
		double worst = Double.MAX_VALUE;
		int worstN = 0;
		boolean clean = one.get().clean();
		for (Measurement measurement : others) {
			double ideal = Math.ceil(measurement.n() / (double) cores) * wall1;
			double efficiency = ideal / measurement.wallSeconds();
			clean &= measurement.clean();
			if (efficiency < worst) {
				worst = efficiency;
				worstN = measurement.n();
			}
		}
		targets.add(new Target(name,
				String.format(Locale.ROOT, "lowest %.1f %% of ideal (N=%d: %.2f s; wall(1) %.2f s)", worst * 100,
						worstN, results.measured(model, Workload.CPU, worstN).get().wallSeconds(), wall1),
				worst >= 0.9 && clean));
	}

	private static void helloShare(SuiteResults results, String model, double share, List<Target> targets) {
		int connections = results.options().connections();
		String name = String.format(Locale.ROOT, "%s: hello throughput ≥ %.0f %% of platform (defaults)",
				results.title(model), share * 100);
		Optional<Measurement> measured = results.measured(model, Workload.HELLO_THROUGHPUT, connections);
		Optional<Measurement> reference = results.measured(AppModel.PLATFORM, Workload.HELLO_THROUGHPUT, connections);
		if (measured.isEmpty() || reference.isEmpty()) {
			targets.add(Target.notMeasured(name, "needs hello throughput on both"));
			return;
		}
		double ratio = measured.get().result().throughput() / reference.get().result().throughput();
		targets
			.add(new Target(name,
					String.format(Locale.ROOT, "%.1f %% (%,.0f vs %,.0f requests/s)", ratio * 100,
							measured.get().result().throughput(), reference.get().result().throughput()),
					ratio >= share));
	}

	private static void overhead(SuiteResults results, List<Target> targets) {
		String startupName = "Starter overhead: startup time ≤ 5 % over the app without it (median of starts)";
		Duration with = results.medianStartup(AppModel.PLATFORM);
		Duration without = results.medianStartup(AppModel.NO_STARTER);
		if (with == null || without == null) {
			targets.add(Target.notMeasured(startupName, "needs the platform and no-starter models"));
		}
		else {
			double overhead = Measurement.seconds(with) / Measurement.seconds(without) - 1;
			targets.add(new Target(startupName,
					String.format(Locale.ROOT, "%+.1f %% (%.2f s vs %.2f s, %d and %d starts)", overhead * 100,
							Measurement.seconds(with), Measurement.seconds(without),
							results.startups(AppModel.PLATFORM).size(), results.startups(AppModel.NO_STARTER).size()),
					overhead <= 0.05));
		}
		int connections = results.options().connections();
		String throughputName = "Starter overhead: hello throughput ≤ 1 % below the app without it";
		Optional<Measurement> withThroughput = results.measured(AppModel.PLATFORM, Workload.HELLO_THROUGHPUT,
				connections);
		Optional<Measurement> withoutThroughput = results.measured(AppModel.NO_STARTER, Workload.HELLO_THROUGHPUT,
				connections);
		if (withThroughput.isEmpty() || withoutThroughput.isEmpty()) {
			targets.add(Target.notMeasured(throughputName, "needs hello throughput on platform and no-starter"));
		}
		else {
			double a = withThroughput.get().result().throughput();
			double b = withoutThroughput.get().result().throughput();
			double loss = 1 - a / b;
			targets.add(new Target(throughputName,
					String.format(Locale.ROOT, "%+.1f %% (%,.0f vs %,.0f requests/s)", -loss * 100, a, b),
					loss <= 0.01));
		}
	}

	private static void pythonComparison(SuiteResults results, List<Target> targets) {
		String name = "One CPU-bound request (platform, N=1) against the Python original's " + fmt(PYTHON_CPU_SECONDS)
				+ " s under Gunicorn";
		Optional<Measurement> one = results.measured(AppModel.PLATFORM, Workload.CPU, 1);
		if (one.isEmpty()) {
			targets.add(Target.notMeasured(name, "needs CPU N=1 on platform"));
			return;
		}
		double wall = one.get().wallSeconds();
		targets.add(new Target(name,
				String.format(Locale.ROOT, "%.2f s (%.2f × Python's); app JVM options: %s", wall,
						wall / PYTHON_CPU_SECONDS,
						results.options().appJvmArguments().isEmpty() ? "none"
								: String.join(" ", results.options().appJvmArguments())),
				wall <= PYTHON_CPU_SECONDS && one.get().clean()));
	}

	static String fmt(double value) {
		return (value == Math.rint(value)) ? String.valueOf((long) value) : String.valueOf(value);
	}

	/**
	 * One target and how the run fared.
	 *
	 * @param name what is asked
	 * @param measured the figure measured
	 * @param pass whether it was met, or {@code null} when it was not measured
	 */
	record Target(String name, String measured, Boolean pass) {

		static Target notMeasured(String name, String why) {
			return new Target(name, "not measured (" + why + ")", null);
		}

		String verdict() {
			return (this.pass == null) ? "n/a" : this.pass ? "pass" : "**miss**";
		}

	}

}
