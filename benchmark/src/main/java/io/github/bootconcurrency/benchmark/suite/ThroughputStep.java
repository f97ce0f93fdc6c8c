package io.github.bootconcurrency.benchmark.suite;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import io.github.bootconcurrency.benchmark.load.LoadEngine;
import io.github.bootconcurrency.benchmark.load.LoadResult;
import io.github.bootconcurrency.benchmark.load.ProgressPrinter;
import io.github.bootconcurrency.benchmark.load.Wrk;
import io.github.bootconcurrency.benchmark.machine.Usage;
import io.github.bootconcurrency.benchmark.results.AppModel;
import io.github.bootconcurrency.benchmark.results.Measurement;
import io.github.bootconcurrency.benchmark.results.Measurement.Workload;
import io.github.bootconcurrency.benchmark.results.SuiteOptions;
import io.github.bootconcurrency.benchmark.results.ThroughputRun;

/**
 * One round of the hello throughput step on a freshly started app: an untimed closed loop
 * of the step's shape (the JIT needs about half a minute of hello load to settle), then
 * wrk's closed loop, then the load tool's, with the machine's CPU read around each.
 * <p>
 * wrk goes first so that both clients find an app warmed up alike: the load tool's own
 * warm-up has run in this JVM, so its code is compiled when its turn comes.
 * <p>
 * A multi-jvm model is warmed up for twice as long: each of its worker JVMs compiles the
 * same code that one JVM does, on its share of the cores and with its share of the
 * requests, and after the one-JVM warm-up their compile queues are still full.
 */
final class ThroughputStep {

	private final SuiteOptions options;

	private final @Nullable Path wrk;

	private final Supplier<LoadEngine> engine;

	/**
	 * @param options the suite's options
	 * @param wrk wrk's executable, or {@code null} to measure with the load tool only
	 * @param engine the load tool, with the suite's bounds and progress
	 */
	ThroughputStep(SuiteOptions options, @Nullable Path wrk, Supplier<LoadEngine> engine) {
		this.options = options;
		this.wrk = wrk;
		this.engine = engine;
	}

	ThroughputRun measure(AppProcess app, AppModel model, int round) throws InterruptedException {
		int connections = this.options.connections();
		Duration bound = this.options.stepTimeout();
		Duration warmup = warmup(this.options.throughputWarmup(), model);
		if (!warmup.isZero()) {
			new LoadEngine(bound, bound, ProgressPrinter.silent(), this.options.client()).closedLoop(app.uri("/hello"),
					connections, warmup, 100_000_000);
		}
		Wrk.Result wrkResult = null;
		Usage wrkUsage = Usage.UNKNOWN;
		if (this.wrk != null) {
			pause();
			Usage.Reading before = app.reading();
			try {
				wrkResult = Wrk.run(this.wrk, app.uri("/hello"), connections, this.options.duration());
				Usage usage = before.until(app.reading());
				wrkUsage = new Usage(usage.appCpuSeconds(), usage.workersCpuSeconds(), wrkResult.cpuSeconds(),
						usage.gcPauseSeconds());
				SuiteLog.say(
						"   %-16s N=%-6d wrk: %,.0f requests/s, p50 %s, p99 %s, errors: %s; CPU: app %.2f s, workers %.2f s, wrk %.2f s",
						Workload.HELLO_THROUGHPUT.id(), connections, wrkResult.requestsPerSecond(),
						LoadResult.millis(wrkResult.p50()), LoadResult.millis(wrkResult.p99()),
						wrkResult.errorSummary(), wrkUsage.appCpuSeconds(), wrkUsage.workersCpuSeconds(),
						wrkUsage.clientCpuSeconds());
			}
			catch (IOException | IllegalArgumentException ex) {
				SuiteLog.say("   wrk failed on %s: %s", model.id(), ex.getMessage());
			}
		}
		pause();
		Usage.Reading before = app.reading();
		LoadResult result = this.engine.get()
			.closedLoop(app.uri("/hello"), connections, this.options.duration(), 100_000_000);
		Measurement own = new Measurement(model.id(), Workload.HELLO_THROUGHPUT, connections, result,
				SuiteLog.timedOut(result, bound), String.format(Locale.ROOT, "round %d, load tool", round),
				before.until(app.reading()));
		SuiteLog.report(own);
		return new ThroughputRun(model.id(), round, own, wrkResult, wrkUsage);
	}

	static Duration warmup(Duration warmup, AppModel model) {
		return (model.server() == AppModel.Server.JVM && model.workers() > 0) ? warmup.multipliedBy(2) : warmup;
	}

	private void pause() throws InterruptedException {
		Thread.sleep(this.options.pause());
	}

}
