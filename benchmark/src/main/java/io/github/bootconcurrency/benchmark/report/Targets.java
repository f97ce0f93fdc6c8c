package io.github.bootconcurrency.benchmark.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import io.github.bootconcurrency.benchmark.results.AppModel;
import io.github.bootconcurrency.benchmark.results.Measurement;
import io.github.bootconcurrency.benchmark.results.Measurement.Workload;
import io.github.bootconcurrency.benchmark.results.SuiteOptions;
import io.github.bootconcurrency.benchmark.results.SuiteResults;
import io.github.bootconcurrency.benchmark.results.ThroughputRun;

/**
 * The issues' targets, evaluated on the figures of one run, so that a comparison never
 * mixes a quiet hour with a busy one. A target whose figures are missing (its model or
 * workload was not selected, or failed, or wrk is not installed) is reported as not
 * measured rather than passed.
 * <p>
 * The throughput ratios are judged on wrk's figures, the client that takes least of the
 * cores from the app, and pair the rounds of the throughput step: the ratio of round 1 to
 * round 1, of round 2 to round 2, and the median of those.
 */
public final class Targets {

	/**
	 * Share of the one-JVM model's hello throughput that multi-jvm through the proxy
	 * keeps.
	 */
	static final double PROXY_SHARE = 0.50;

	/**
	 * Share of the one-JVM model's hello throughput that multi-jvm on a shared socket
	 * keeps.
	 */
	static final double SHARED_SOCKET_SHARE = 0.90;

	/** Share of the app without the starter's hello throughput that the starter keeps. */
	static final double STARTER_SHARE = 0.99;

	/**
	 * How much longer 10,000 keep-alive clients at once may take under platform than
	 * under virtual.
	 */
	static final double KEEP_ALIVE_FACTOR = 1.3;

	static final int KEEP_ALIVE_CLIENTS = 10_000;

	private Targets() {
	}

	public static List<Target> evaluate(SuiteResults results) {
		List<Target> targets = new ArrayList<>();
		ioAtOnce(results, targets);
		for (String model : List.of(AppModel.PLATFORM, AppModel.VIRTUAL)) {
			cpuScaling(results, model, targets);
		}
		for (String balancer : List.of("proxy", "shared-socket")) {
			double share = balancer.equals("proxy") ? PROXY_SHARE : SHARED_SOCKET_SHARE;
			for (String workerModel : List.of(AppModel.PLATFORM, AppModel.VIRTUAL)) {
				targets.add(wrkShare(results, AppModel.multiJvmId(workerModel, balancer), workerModel, share,
						results.title(AppModel.multiJvmId(workerModel, balancer)) + ": hello throughput ≥ "
								+ percent(share) + " of " + results.title(workerModel) + " (wrk)"));
			}
		}
		startupOverhead(results, targets);
		targets.add(wrkShare(results, AppModel.PLATFORM, AppModel.NO_STARTER, STARTER_SHARE,
				"Starter's own cost: platform (defaults) hello throughput ≥ " + percent(STARTER_SHARE)
						+ " of the app without the starter (wrk)"));
		keepAlive(results, targets);
		pythonComparison(results, targets);
		return targets;
	}

	private static String percent(double share) {
		return String.format(Locale.ROOT, "%.0f %%", share * 100);
	}

	private static void ioAtOnce(SuiteResults results, List<Target> targets) {
		int n = 10_000;
		double sleep = results.options().ioSleepSeconds();
		String name = String.format(Locale.ROOT,
				"virtual (defaults): %,d IO-bound requests (sleep %s s) at once in ≤ %s s + 1.3 × wall of %,d hello at once, all 2xx",
				n, SuiteOptions.fmt(sleep), SuiteOptions.fmt(sleep), n);
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

	/**
	 * {@code model}'s hello throughput under wrk against {@code reference}'s, round by
	 * round.
	 */
	static Target wrkShare(SuiteResults results, String model, String reference, double share, String name) {
		List<ThroughputRun> measured = results.throughput(model);
		List<ThroughputRun> base = results.throughput(reference);
		List<Double> ratios = ThroughputRun.pairedRatios(measured, base, ThroughputRun::wrkRate);
		if (ratios.isEmpty()) {
			return Target.notMeasured(name, "needs wrk's hello throughput on " + model + " and " + reference
					+ " in the same round" + ((results.wrk() == null) ? "; wrk is not installed" : ""));
		}
		double ratio = ThroughputRun.median(ratios.stream().mapToDouble(Double::doubleValue).toArray()).getAsDouble();
		boolean clean = Stream.concat(measured.stream(), base.stream())
			.allMatch((run) -> run.wrk() == null || run.wrk().clean());
		String each = String.join(", ",
				ratios.stream().map((value) -> String.format(Locale.ROOT, "%.1f %%", value * 100)).toList());
		return new Target(name,
				String.format(Locale.ROOT, "%.1f %% (%s %s; wrk %,.0f vs %,.0f requests/s, medians)%s", ratio * 100,
						(ratios.size() > 1) ? "median of rounds" : "one round:", each,
						ThroughputRun.median(measured, ThroughputRun::wrkRate).orElse(Double.NaN),
						ThroughputRun.median(base, ThroughputRun::wrkRate).orElse(Double.NaN),
						clean ? "" : "; wrk reported errors"),
				ratio >= share && clean);
	}

	/**
	 * 10,000 clients at once on keep-alive connections: the hello-at-once step, whose
	 * client opens one HTTP/1.1 connection per request and keeps it open (no
	 * {@code Connection: close}) until the step ends.
	 */
	private static void keepAlive(SuiteResults results, List<Target> targets) {
		String name = String.format(Locale.ROOT,
				"%,d keep-alive clients at once (hello): platform (defaults) within %s × virtual (defaults)'s wall time",
				KEEP_ALIVE_CLIENTS, SuiteOptions.fmt(KEEP_ALIVE_FACTOR));
		Optional<Measurement> platform = results.measured(AppModel.PLATFORM, Workload.HELLO_BURST, KEEP_ALIVE_CLIENTS);
		Optional<Measurement> virtual = results.measured(AppModel.VIRTUAL, Workload.HELLO_BURST, KEEP_ALIVE_CLIENTS);
		if (platform.isEmpty() || virtual.isEmpty()) {
			targets.add(Target.notMeasured(name, "needs hello at once N=10000 on platform and virtual"));
			return;
		}
		double factor = platform.get().wallSeconds() / virtual.get().wallSeconds();
		targets.add(new Target(name,
				String.format(Locale.ROOT, "%.2f × (%.2f s vs %.2f s; failed %d and %d)", factor,
						platform.get().wallSeconds(), virtual.get().wallSeconds(), platform.get().result().failures(),
						virtual.get().result().failures()),
				factor <= KEEP_ALIVE_FACTOR && platform.get().clean() && virtual.get().clean()));
	}

	private static void startupOverhead(SuiteResults results, List<Target> targets) {
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
	}

	/**
	 * One CPU-bound request of the sample app against the seed's own, the Flask app under
	 * Gunicorn's sync worker, measured in the same run: informative, as the two run the
	 * same naive loop on different big-integer arithmetic.
	 */
	private static void pythonComparison(SuiteResults results, List<Target> targets) {
		String name = "One CPU-bound request: platform (defaults) N=1 against Gunicorn sync N=1 (ratio, informative)";
		Optional<Measurement> java = results.measured(AppModel.PLATFORM, Workload.CPU, 1);
		Optional<Measurement> python = results.measured(AppModel.GUNICORN_SYNC, Workload.CPU, 1);
		if (java.isEmpty() || python.isEmpty()) {
			String why = results.failures().containsKey(AppModel.GUNICORN_SYNC)
					? "Gunicorn sync: " + results.failures().get(AppModel.GUNICORN_SYNC)
					: "needs CPU N=1 on platform and gunicorn-sync";
			targets.add(Target.notMeasured(name, why));
			return;
		}
		double ratio = java.get().wallSeconds() / python.get().wallSeconds();
		targets.add(Target.informative(name,
				String.format(Locale.ROOT, "%.2f × (%.2f s vs %.2f s); app JVM options: %s", ratio,
						java.get().wallSeconds(), python.get().wallSeconds(),
						results.options().appJvmArguments().isEmpty() ? "none"
								: String.join(" ", results.options().appJvmArguments()))));
	}

	/**
	 * One target and how the run fared.
	 *
	 * @param name what is asked
	 * @param measured the figure measured
	 * @param pass whether it was met, or {@code null} when it was not measured or is
	 * informative
	 * @param informative whether this is a figure to read rather than a target to meet
	 */
	public record Target(String name, String measured, @Nullable Boolean pass, boolean informative) {

		Target(String name, String measured, @Nullable Boolean pass) {
			this(name, measured, pass, false);
		}

		static Target notMeasured(String name, String why) {
			return new Target(name, "not measured (" + why + ")", null);
		}

		static Target informative(String name, String measured) {
			return new Target(name, measured, null, true);
		}

		public String verdict() {
			return this.informative ? "info" : (this.pass == null) ? "n/a" : this.pass ? "pass" : "**miss**";
		}

	}

}
