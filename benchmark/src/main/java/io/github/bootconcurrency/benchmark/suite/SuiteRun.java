package io.github.bootconcurrency.benchmark.suite;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

import io.github.bootconcurrency.benchmark.load.LoadEngine;
import io.github.bootconcurrency.benchmark.load.LoadResult;
import io.github.bootconcurrency.benchmark.load.ProgressPrinter;
import io.github.bootconcurrency.benchmark.load.Wrk;
import io.github.bootconcurrency.benchmark.machine.MachineInfo;
import io.github.bootconcurrency.benchmark.machine.Usage;
import io.github.bootconcurrency.benchmark.report.Charts;
import io.github.bootconcurrency.benchmark.report.ReportWriter;
import io.github.bootconcurrency.benchmark.report.Targets;
import io.github.bootconcurrency.benchmark.report.Targets.Target;
import io.github.bootconcurrency.benchmark.results.AppModel;
import io.github.bootconcurrency.benchmark.results.Measurement;
import io.github.bootconcurrency.benchmark.results.Measurement.Workload;
import io.github.bootconcurrency.benchmark.results.SuiteOptions;
import io.github.bootconcurrency.benchmark.results.SuiteResults;

/**
 * One run of the suite.
 */
final class SuiteRun {

	private final SuiteOptions options;

	private final String command;

	private final String java = ProcessHandle.current().info().command().orElse("java");

	private final SuiteResults results;

	private final ProgressPrinter progress = ProgressPrinter.forConsole();

	private final Path logs = Path.of("benchmark", "target", "suite-logs");

	private final AtomicReference<AppProcess> running = new AtomicReference<>();

	SuiteRun(SuiteOptions options, String command) {
		this.options = options;
		this.command = command;
		this.results = new SuiteResults(options, MachineInfo.current(), options.models());
	}

	void execute() throws IOException, InterruptedException {
		long start = System.nanoTime();
		// Ctrl-C must not leave an app (and its workers) behind.
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			AppProcess app = this.running.get();
			if (app != null) {
				app.close();
			}
		}));
		SuiteLog.say("Benchmark suite: %d model(s), java %s, app jar %s", this.options.models().size(), this.java,
				this.options.jar());
		SuiteLog.say("Settings: %s", this.options.describe());
		int ioMax = (this.options.ioN().length > 0) ? this.options.ioN()[this.options.ioN().length - 1] : 0;
		MachineInfo.warnIfTooFewFiles(Math.max(ioMax, this.options.helloBurst()));
		for (AppModel model : this.options.models()) {
			measure(model);
		}
		if (this.options.workloads().contains(Workload.HELLO_THROUGHPUT)) {
			throughputRounds();
		}
		if (this.options.startupRuns() > 0) {
			startups();
		}
		this.results.elapsed(Duration.ofNanos(System.nanoTime() - start));
		List<Target> targets = Targets.evaluate(this.results);
		SuiteLog.say("Targets:");
		targets.forEach((target) -> SuiteLog.say("  %-8s %s: %s", target.verdict().replace("*", ""), target.name(),
				target.measured()));
		ReportWriter.write(this.results, targets, this.command);
		List<String> charts = Charts.write(this.results, this.options.docs().resolve("benchmarks"));
		SuiteLog.say("Wrote %s, %s and %s in %.1f min.", this.options.docs().resolve(ReportWriter.OUTPUT),
				this.options.docs().resolve(ReportWriter.CSV), charts, this.results.elapsed().toSeconds() / 60.0);
	}

	private void measure(AppModel model) throws InterruptedException {
		SuiteLog.say("== %s (%s)", model.title(), model.id());
		if (model.gunicorn()) {
			String missing = Gunicorn.missing(model);
			if (missing != null) {
				SuiteLog.say("   %s: %s; the suite goes on without it", model.id(), missing);
				this.results.failed(model.id(), missing);
				return;
			}
		}
		List<Workload> workloads = new ArrayList<>();
		for (Workload workload : Workload.values()) {
			// The throughput step runs later, in rounds across the models.
			if (this.options.workloads().contains(workload) && workload != Workload.HELLO_THROUGHPUT
					&& (model.full() || workload.hello())) {
				workloads.add(workload);
			}
		}
		if (workloads.isEmpty() && model.gunicorn()) {
			return;
		}
		long modelStart = System.nanoTime();
		AppProcess app = null;
		try {
			app = startApp(model, model.id());
			if (!model.gunicorn()) {
				this.results.startup(model.id(), app.startup());
			}
			SuiteLog.say("   ready: readiness after %.2f s (log %s)", Measurement.seconds(app.startup()), app.log());
			warmUp(app, model);
			int restarts = 0;
			for (Workload workload : workloads) {
				if (run(app, model, workload)) {
					// Requests cancelled by the client are still queued in the server
					// and would be served before the next workload's: start afresh
					// instead.
					app.close();
					restarts++;
					app = startApp(model, model.id() + "-restart-" + restarts);
					SuiteLog.say("   restarted after a step that reached its bound: ready after %.2f s",
							Measurement.seconds(app.startup()));
					warmUp(app, model);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			SuiteLog.say("   %s could not be measured: %s", model.id(), ex.getMessage());
			this.results.failed(model.id(), String.valueOf(ex.getMessage()));
		}
		finally {
			if (app != null) {
				app.close();
			}
			this.running.set(null);
		}
		SuiteLog.say("   %s done in %.0f s", model.id(), (System.nanoTime() - modelStart) / 1e9);
	}

	/**
	 * Runs one workload on a model.
	 * @return whether a step reached its bound
	 */
	private boolean run(AppProcess app, AppModel model, Workload workload) throws InterruptedException {
		return switch (workload) {
			case CPU -> series(app, model, workload, this.options.cpuN(), "/cpu-bound");
			case IO -> series(app, model, workload, this.options.ioN(),
					"/io-bound?s=" + SuiteOptions.fmt(this.options.ioSleepSeconds()));
			case HELLO_BURST -> series(app, model, workload, new int[] { this.options.helloBurst() }, "/hello");
			case HELLO_THROUGHPUT -> false;
		};
	}

	/**
	 * The hello throughput step, in rounds: every model of the run in the first, the
	 * models of the ratio targets in the others.
	 */
	private void throughputRounds() throws InterruptedException {
		Path wrk = Wrk.find();
		this.results.wrk((wrk != null) ? wrk.toString() : null);
		if (wrk == null) {
			SuiteLog
				.say("   wrk is not on the PATH (apt-get install wrk): the throughput step measures with the load tool "
						+ "only, and the ratio targets are not measured");
		}
		int rounds = this.options.throughputRounds();
		for (int round = 1; round <= rounds; round++) {
			for (AppModel model : this.options.models()) {
				if (this.results.failures().containsKey(model.id()) || (round > 1 && !model.inThroughputTargets())
						|| (model.gunicorn() && Gunicorn.missing(model) != null)) {
					continue;
				}
				SuiteLog.say("== hello throughput, round %d of %d: %s (%s)", round, rounds, model.title(), model.id());
				try (AppProcess app = startApp(model, model.id() + "-throughput-" + round)) {
					this.results
						.throughput(new ThroughputStep(this.options, wrk, this::engine).measure(app, model, round));
				}
				catch (IOException | RuntimeException ex) {
					SuiteLog.say("   %s could not be measured: %s", model.id(), ex.getMessage());
				}
				finally {
					this.running.set(null);
				}
			}
		}
	}

	private AppProcess startApp(AppModel model, String logName) throws IOException, InterruptedException {
		AppProcess app = AppProcess.start(this.java, this.options.jar(), this.options.appJvmArguments(), model,
				this.logs.resolve(logName + ".log"), this.options.bootTimeout());
		this.running.set(app);
		return app;
	}

	/**
	 * Warms the JIT up on every route, untimed: the article's figures are for a running
	 * server, not for its first requests.
	 */
	private void warmUp(AppProcess app, AppModel model) {
		SuiteLog.say("   warming up (%d s closed loop on /hello, then the other routes; not counted)",
				this.options.warmup().toSeconds());
		Duration bound = this.options.stepTimeout();
		LoadEngine engine = new LoadEngine(bound, bound, ProgressPrinter.silent(), this.options.client());
		engine.closedLoop(app.uri("/hello"), Math.min(16, this.options.connections()), this.options.warmup(),
				100_000_000);
		if (model.full() && this.options.workloads().contains(Workload.CPU)) {
			int rounds = this.options.quick() ? 1 : 3;
			for (int i = 0; i < rounds; i++) {
				engine.atOnce(app.uri("/cpu-bound"), 2, this.options.stepTimeout());
			}
		}
		if (model.full() && this.options.workloads().contains(Workload.IO)) {
			engine.atOnce(app.uri("/io-bound?s=0.1"), 50, this.options.stepTimeout());
		}
	}

	/**
	 * Runs a workload at each N, from the smallest, until a step reaches its bound.
	 * @return whether a step reached its bound
	 */
	private boolean series(AppProcess app, AppModel model, Workload workload, int[] ns, String path)
			throws InterruptedException {
		Integer exceededAt = null;
		String skip = null;
		Measurement last = null;
		long bound = this.options.stepTimeout().toSeconds();
		for (int n : ns) {
			if (skip == null && last != null && last.clean()
					&& last.wallSeconds() * n / last.n() > this.options.stepTimeout().toSeconds()) {
				// A step that would only reach the bound costs the bound, a restart and
				// a warm-up, and says no more than this: past the server's concurrency,
				// wall time grows at least in proportion to N.
				skip = String.format(Locale.ROOT,
						"skipped: N = %,d took %.1f s, so N = %,d would take about %.0f s, over the %d s step bound",
						last.n(), last.wallSeconds(), n, last.wallSeconds() * n / last.n(), bound);
			}
			if (skip != null) {
				this.results.add(Measurement.skipped(model.id(), workload, n, skip));
				SuiteLog.say("   %-16s N=%-6d %s", workload.id(), n, skip);
				continue;
			}
			int samples = (workload == Workload.CPU) ? this.options.cpuSamples() : 1;
			List<Sample> runs = new ArrayList<>(samples);
			for (int i = 0; i < samples; i++) {
				pause();
				Usage.Reading before = app.reading();
				LoadResult result = engine().atOnce(app.uri(path), n, this.options.stepTimeout());
				runs.add(new Sample(result, before.until(app.reading())));
				if (timedOut(result)) {
					break;
				}
			}
			Sample kept = Sample.median(runs);
			String note = (runs.size() > 1) ? "median of " + runs.size() + " runs: " + Sample.walls(runs) + " s" : "";
			last = record(model, workload, n, kept.result(), kept.usage(), note);
			if (last.timedOut()) {
				exceededAt = n;
				skip = String.format(Locale.ROOT, "skipped: N = %,d already reached the %d s step bound", n, bound);
			}
		}
		return exceededAt != null;
	}

	private boolean timedOut(LoadResult result) {
		return SuiteLog.timedOut(result, this.options.stepTimeout());
	}

	private Measurement record(AppModel model, Workload workload, int n, LoadResult result, Usage usage, String note) {
		boolean timedOut = timedOut(result);
		Measurement measurement = new Measurement(model.id(), workload, n, result, timedOut, note, usage);
		this.results.add(measurement);
		SuiteLog.report(measurement);
		return measurement;
	}

	/**
	 * More starts of the app with and without the starter, alternated, for a median that
	 * does not depend on one moment.
	 */
	private void startups() throws InterruptedException {
		List<AppModel> pair = this.options.models()
			.stream()
			.filter((model) -> model.id().equals(AppModel.PLATFORM) || model.id().equals(AppModel.NO_STARTER))
			.toList();
		if (pair.isEmpty()) {
			return;
		}
		SuiteLog.say("== startup time: %d more start(s) of %s, alternated", this.options.startupRuns(),
				String.join(" and ", pair.stream().map(AppModel::id).toList()));
		for (int i = 0; i < this.options.startupRuns(); i++) {
			for (AppModel model : pair) {
				pause();
				try (AppProcess app = startApp(model, model.id() + "-startup-" + (i + 1))) {
					this.results.startup(model.id(), app.startup());
					SuiteLog.say("   %-12s ready after %.2f s", model.id(), Measurement.seconds(app.startup()));
				}
				catch (IOException | RuntimeException ex) {
					SuiteLog.say("   %s did not start: %s", model.id(), ex.getMessage());
				}
				finally {
					this.running.set(null);
				}
			}
		}
	}

	LoadEngine engine() {
		Duration bound = this.options.stepTimeout();
		return new LoadEngine(bound, bound, this.progress, this.options.client());
	}

	private void pause() throws InterruptedException {
		Thread.sleep(this.options.pause());
	}

}
