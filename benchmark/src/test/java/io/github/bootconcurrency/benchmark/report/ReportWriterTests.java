package io.github.bootconcurrency.benchmark.report;

import java.util.Map;

import io.github.bootconcurrency.benchmark.cli.Arguments;
import io.github.bootconcurrency.benchmark.load.LoadResult;
import io.github.bootconcurrency.benchmark.load.Wrk;
import io.github.bootconcurrency.benchmark.machine.MachineInfo;
import io.github.bootconcurrency.benchmark.machine.Usage;
import io.github.bootconcurrency.benchmark.results.AppModel;
import io.github.bootconcurrency.benchmark.results.Measurement;
import io.github.bootconcurrency.benchmark.results.Measurement.Workload;
import io.github.bootconcurrency.benchmark.results.SuiteOptions;
import io.github.bootconcurrency.benchmark.results.SuiteResults;
import io.github.bootconcurrency.benchmark.results.ThroughputRun;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReportWriter}.
 */
class ReportWriterTests {

	@Test
	void placeholdersAreReplacedAndProseIsKept() {
		String template = "<!-- about the template -->\n# Title\n\n{{targets}}\n\n### Why\n\nHand-written prose.\n";
		String output = ReportWriter.render(template, Map.of("targets", "| a | b |"));
		assertThat(output).startsWith(ReportWriter.GENERATED_NOTICE)
			.contains("| a | b |")
			.contains("Hand-written prose.")
			.doesNotContain("{{targets}}")
			.doesNotContain("about the template");
	}

	@Test
	void unknownPlaceholderIsLeftVisible() {
		assertThat(ReportWriter.render("x {{tagrets}} y", Map.of("targets", "t"))).contains("{{tagrets}}");
	}

	@Test
	void valuesWithDollarSignsAreInsertedLiterally() {
		assertThat(ReportWriter.render("{{run}}", Map.of("run", "$1 \\ $"))).endsWith("$1 \\ $");
	}

	@Test
	void usageTableSharesTheCoresBetweenAppAndClientPerStep() {
		SuiteResults results = new SuiteResults(SuiteOptions.parse(new Arguments()),
				new MachineInfo(2, 0, "test", "test", "test", "now", "4096", "20000"), AppModel.all());
		long wall = 2_000_000_000L;
		long[] latencies = new long[4000];
		java.util.Arrays.fill(latencies, 1_000_000L);
		LoadResult result = new LoadResult("test", wall, latencies, Map.of(200, 4000), Map.of());
		results.add(new Measurement("multi-jvm-platform-proxy", Workload.HELLO_THROUGHPUT, 64, result, false, "",
				new Usage(0.8, 1.2, 1.0, Double.NaN)));
		results.add(new Measurement("virtual", Workload.CPU, 1, result, false, "", new Usage(1, 0, 1, 0.1)));
		String table = ReportWriter.usage(results);
		// (0.8 + 1.2 + 1.0) s of CPU over 2 cores × 2 s; 2.0 s of app CPU over 4,000
		// requests.
		assertThat(table).contains("| hello, 64 connections | 2.00 | 2.00 | 1.20 | 1.00 | 75 % | - | 500 µs |");
		assertThat(table).doesNotContain("virtual");
	}

	@Test
	void helloTableShowsWrkAndTheLoadToolWithTheMedianOfTheRounds() {
		SuiteResults results = new SuiteResults(SuiteOptions.parse(new Arguments()),
				new MachineInfo(2, 0, "test", "test", "test", "now", "4096", "20000"), AppModel.all());
		results.wrk("/usr/bin/wrk");
		for (int round = 1; round <= 2; round++) {
			long wall = 10_000_000_000L;
			long[] latencies = new long[10_000 * round];
			java.util.Arrays.fill(latencies, 2_000_000L);
			LoadResult own = new LoadResult("test", wall, latencies, Map.of(200, 10_000 * round), Map.of());
			Wrk.Result wrk = Wrk.parse(
					"  " + (20_000 * round) + " requests in 10.00s, 1MB read\nRequests/sec: " + (2_000 * round) + "\n",
					0.4);
			results
				.throughput(new ThroughputRun("platform", round, new Measurement("platform", Workload.HELLO_THROUGHPUT,
						64, own, false, "round " + round, new Usage(1, 0, 2, 0)), wrk, new Usage(1.5, 0, 0.4, 0)));
		}
		String table = HelloTable.render(results);
		assertThat(table)
			.contains("| platform (defaults) | 3,000 (2,000, 4,000) | - | 1,500 (1,000, 2,000) | 2.0 ms | 0; 0 |")
			.contains("the median of 2 rounds")
			.contains("/usr/bin/wrk -t2 -c64 -d10s");
		assertThat(ReportWriter.usage(results))
			.contains("| hello, 64 connections, round 2, wrk | 10.00 | 1.50 | - | 0.40 |");
	}

}
