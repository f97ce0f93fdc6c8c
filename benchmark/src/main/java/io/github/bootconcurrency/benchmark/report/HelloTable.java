package io.github.bootconcurrency.benchmark.report;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.DoubleStream;

import io.github.bootconcurrency.benchmark.load.LoadResult;
import io.github.bootconcurrency.benchmark.results.AppModel;
import io.github.bootconcurrency.benchmark.results.Measurement;
import io.github.bootconcurrency.benchmark.results.Measurement.Workload;
import io.github.bootconcurrency.benchmark.results.SuiteResults;
import io.github.bootconcurrency.benchmark.results.ThroughputRun;

/**
 * The hello table of docs/benchmarks.md: throughput under both clients, round by round,
 * and hello at once.
 */
final class HelloTable {

	private HelloTable() {
	}

	/**
	 * Hello throughput under wrk and under the load tool (the median of the rounds, each
	 * round's figure in brackets), then hello at once.
	 */
	static String render(SuiteResults results) {
		StringBuilder table = new StringBuilder();
		table.append(String.format(Locale.ROOT,
				"| Model | wrk: requests/s (%d connections) | wrk p99 | load tool: requests/s | load tool p99 | Failed (wrk; load tool) | %,d at once: wall (s) | p99 | Failed |%n",
				results.options().connections(), results.options().helloBurst()));
		table.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
		boolean any = false;
		for (AppModel model : results.models()) {
			List<ThroughputRun> runs = results.throughput(model.id());
			Optional<Measurement> burst = results.find(model.id(), Workload.HELLO_BURST,
					results.options().helloBurst());
			if (runs.isEmpty() && burst.isEmpty()) {
				continue;
			}
			any = true;
			table.append("| ").append(model.title()).append(" | ");
			if (!runs.isEmpty()) {
				long wrkFailures = runs.stream()
					.filter((run) -> run.wrk() != null)
					.mapToLong((run) -> run.wrk().non2xx() + run.wrk().socketErrors())
					.sum();
				long ownFailures = runs.stream()
					.filter((run) -> run.own() != null && run.own().measured())
					.mapToLong((run) -> run.own().result().failures())
					.sum();
				boolean wrk = runs.stream().anyMatch((run) -> run.wrk() != null);
				table.append(String.format(Locale.ROOT, "%s | %s | %s | %s | %s; %d | ",
						ThroughputRun.cell(runs, ThroughputRun::wrkRate),
						medianMillis(runs.stream()
							.filter((run) -> run.wrk() != null && run.wrk().p99() != null)
							.mapToDouble((run) -> run.wrk().p99().toNanos())),
						ThroughputRun.cell(runs, ThroughputRun::ownRate),
						medianMillis(runs.stream()
							.filter((run) -> run.own() != null && run.own().measured())
							.mapToDouble((run) -> run.own().result().percentile(99).toNanos())),
						wrk ? String.valueOf(wrkFailures) : "-", ownFailures));
			}
			else {
				table.append("- | - | - | - | - | ");
			}
			if (burst.filter(Measurement::measured).isPresent()) {
				LoadResult result = burst.get().result();
				table.append(String.format(Locale.ROOT, "%s | %s | %d |%n", ReportWriter.wallCell(burst.get()),
						LoadResult.millis(result.percentile(99)), result.failures()));
			}
			else {
				table.append("- | - | - |\n");
			}
		}
		if (!any) {
			return "Not run.";
		}
		int rounds = results.options().throughputRounds();
		table.append('\n')
			.append(String.format(Locale.ROOT,
					"Throughput: successful requests per second of a closed loop of %d keep-alive connections for %d s, ",
					results.options().connections(), results.options().duration().toSeconds()))
			.append(String.format(Locale.ROOT,
					"on a fresh app after %d s of the same loop, untimed (twice that for multi-jvm, whose every worker"
							+ " compiles the same code on its share of the cores); ",
					results.options().throughputWarmup().toSeconds()))
			.append((rounds > 1) ? String.format(Locale.ROOT,
					"the median of %d rounds, each round's figure in brackets (rounds after the first run only the "
							+ "models of the ratio targets). ",
					rounds) : "one round. ")
			.append((results.wrk() != null)
					? "wrk (`" + results.wrk() + " -t2 -c" + results.options().connections() + " -d"
							+ results.options().duration().toSeconds() + "s`) ran first, then the load tool."
					: "wrk was not installed (`apt-get install wrk`): the load tool's figures only.")
			.append(" Failed: wrk's non-2xx/3xx responses and socket errors; the load tool's requests that did not end with a 2xx.");
		return table.toString();
	}

	private static String medianMillis(DoubleStream nanos) {
		OptionalDouble median = ThroughputRun.median(nanos.toArray());
		return median.isPresent() ? LoadResult.millis(Duration.ofNanos((long) median.getAsDouble())) : "-";
	}

}
