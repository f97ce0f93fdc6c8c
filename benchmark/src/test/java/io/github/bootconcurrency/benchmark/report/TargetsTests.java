package io.github.bootconcurrency.benchmark.report;

import java.util.List;
import java.util.Map;

import io.github.bootconcurrency.benchmark.cli.Arguments;
import io.github.bootconcurrency.benchmark.load.LoadResult;
import io.github.bootconcurrency.benchmark.load.Wrk;
import io.github.bootconcurrency.benchmark.machine.MachineInfo;
import io.github.bootconcurrency.benchmark.machine.Usage;
import io.github.bootconcurrency.benchmark.report.Targets.Target;
import io.github.bootconcurrency.benchmark.results.AppModel;
import io.github.bootconcurrency.benchmark.results.Measurement;
import io.github.bootconcurrency.benchmark.results.Measurement.Workload;
import io.github.bootconcurrency.benchmark.results.SuiteOptions;
import io.github.bootconcurrency.benchmark.results.SuiteResults;
import io.github.bootconcurrency.benchmark.results.ThroughputRun;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Targets}, on figures built by hand for the purpose.
 */
class TargetsTests {

	private final SuiteOptions options = SuiteOptions.parse(new Arguments());

	private final SuiteResults results = new SuiteResults(this.options,
			new MachineInfo(2, 0, "test", "test", "test", "now", "4096", "20000"), AppModel.all());

	private void add(String model, Workload workload, int n, double wallSeconds) {
		long wall = (long) (wallSeconds * 1e9);
		this.results.add(new Measurement(model, workload, n,
				new LoadResult("test", wall, new long[] { wall }, Map.of(200, 1), Map.of()), false, ""));
	}

	private Target target(String startOfName) {
		List<Target> targets = Targets.evaluate(this.results);
		return targets.stream().filter((target) -> target.name().startsWith(startOfName)).findFirst().orElseThrow();
	}

	@Test
	void cpuScalingPassesWithinNinetyPercentOfTheTwoCoreIdeal() {
		add("platform", Workload.CPU, 1, 2.0);
		add("platform", Workload.CPU, 2, 2.1);
		add("platform", Workload.CPU, 4, 4.3);
		assertThat(target("platform (defaults): CPU-bound").pass()).isTrue();
	}

	@Test
	void cpuScalingMissesBelowNinetyPercentOfTheIdealAndShowsTheFigure() {
		add("virtual", Workload.CPU, 1, 2.0);
		add("virtual", Workload.CPU, 2, 2.1);
		add("virtual", Workload.CPU, 4, 5.0);
		Target target = target("virtual (defaults): CPU-bound");
		assertThat(target.pass()).isFalse();
		assertThat(target.measured()).contains("80.0 %").contains("N=4");
	}

	@Test
	void ioAtOnceIsComparedWithHelloAtOnceOfTheSameRun() {
		add("virtual", Workload.HELLO_BURST, 10_000, 5.0);
		add("virtual", Workload.IO, 10_000, 7.4);
		assertThat(target("virtual (defaults): 10,000 IO-bound").pass()).isTrue();
	}

	@Test
	void ioAtOnceSlowerThanTheLimitMisses() {
		add("virtual", Workload.HELLO_BURST, 10_000, 5.0);
		add("virtual", Workload.IO, 10_000, 7.6);
		assertThat(target("virtual (defaults): 10,000 IO-bound").pass()).isFalse();
	}

	private static final String WRK_REPORT = """
			  %d requests in 10.00s, 1.00MB read
			Requests/sec: %s
			""";

	private void throughput(String model, int round, double wrkRate, double ownRate) {
		long wall = 10_000_000_000L;
		int successes = (int) (ownRate * 10);
		Measurement own = new Measurement(model, Workload.HELLO_THROUGHPUT, 64,
				new LoadResult("test", wall, new long[] { 1 }, Map.of(200, successes), Map.of()), false,
				"round " + round);
		Wrk.Result wrk = Double.isNaN(wrkRate) ? null
				: Wrk.parse(String.format(java.util.Locale.ROOT, WRK_REPORT, (long) (wrkRate * 10), wrkRate), 1.0);
		this.results.throughput(new ThroughputRun(model, round, own, wrk, Usage.UNKNOWN));
		this.results.wrk("/usr/bin/wrk");
	}

	@Test
	void proxyShareIsAgainstTheOneJvmModelWithTheSameWorkersOnWrkRoundByRound() {
		throughput("virtual", 1, 20_000, 10_000);
		throughput("multi-jvm-virtual-proxy", 1, 10_400, 1_000);
		throughput("virtual", 2, 10_000, 10_000);
		throughput("multi-jvm-virtual-proxy", 2, 5_000, 1_000);
		// Round 1: 52 %, round 2: 50 %; the load tool's 10 % does not count.
		Target target = target("multi-jvm 2 × virtual, proxy");
		assertThat(target.name()).contains("≥ 50 % of virtual (defaults)");
		assertThat(target.measured()).startsWith("51.0 % (median of rounds 52.0 %, 50.0 %");
		assertThat(target.pass()).isTrue();
	}

	@Test
	void sharedSocketShareIsTheMedianOfEachRoundsRatio() {
		throughput("platform", 1, 20_000, 1);
		throughput("multi-jvm-platform-shared-socket", 1, 19_000, 1);
		throughput("platform", 2, 40_000, 1);
		throughput("multi-jvm-platform-shared-socket", 2, 36_000, 1);
		// Round 1: 95 %, round 2: 90 %.
		Target target = target("multi-jvm 2 × platform, shared-socket");
		assertThat(target.name()).contains("≥ 90 % of platform (defaults)");
		assertThat(target.measured()).startsWith("92.5 % (median of rounds 95.0 %, 90.0 %");
		assertThat(target.pass()).isTrue();
	}

	@Test
	void starterMayCostOnePercentOfHelloThroughputUnderWrk() {
		throughput("platform", 1, 9_900, 1);
		throughput("no-starter", 1, 10_000, 1);
		assertThat(target("Starter's own cost").pass()).isTrue();
		this.results.throughput().clear();
		throughput("platform", 1, 9_890, 1);
		throughput("no-starter", 1, 10_000, 1);
		assertThat(target("Starter's own cost").pass()).isFalse();
	}

	@Test
	void throughputTargetsWithoutWrkAreNotMeasured() {
		throughput("platform", 1, Double.NaN, 10_000);
		throughput("no-starter", 1, Double.NaN, 10_000);
		Target target = target("Starter's own cost");
		assertThat(target.pass()).isNull();
		assertThat(target.measured()).startsWith("not measured");
	}

	@Test
	void tenThousandKeepAliveClientsUnderPlatformWithinOnePointThreeTimesVirtual() {
		add("virtual", Workload.HELLO_BURST, 10_000, 2.0);
		add("platform", Workload.HELLO_BURST, 10_000, 2.6);
		assertThat(target("10,000 keep-alive clients").pass()).isTrue();
		this.results.measurements().clear();
		add("virtual", Workload.HELLO_BURST, 10_000, 2.0);
		add("platform", Workload.HELLO_BURST, 10_000, 2.7);
		Target target = target("10,000 keep-alive clients");
		assertThat(target.pass()).isFalse();
		assertThat(target.measured()).startsWith("1.35 ×");
	}

	@Test
	void cpuComparisonWithGunicornIsAMeasuredRatioAndOnlyInformative() {
		add("platform", Workload.CPU, 1, 3.0);
		add("gunicorn-sync", Workload.CPU, 1, 2.0);
		Target target = target("One CPU-bound request");
		assertThat(target.measured()).startsWith("1.50 × (3.00 s vs 2.00 s)");
		assertThat(target.verdict()).isEqualTo("info");
	}

	@Test
	void cpuComparisonWithoutGunicornSaysWhy() {
		add("platform", Workload.CPU, 1, 3.0);
		this.results.failed("gunicorn-sync", "not installed (no /usr/bin/gunicorn)");
		Target target = target("One CPU-bound request");
		assertThat(target.verdict()).isEqualTo("n/a");
		assertThat(target.measured()).contains("not measured").contains("not installed");
	}

	@Test
	void targetWithoutItsFiguresIsNotMeasuredRatherThanPassed() {
		add("platform", Workload.CPU, 1, 2.0);
		Target target = target("Starter overhead: startup");
		assertThat(target.pass()).isNull();
		assertThat(target.verdict()).isEqualTo("n/a");
	}

}
