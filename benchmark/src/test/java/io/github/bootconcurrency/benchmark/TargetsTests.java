package io.github.bootconcurrency.benchmark;

import java.util.List;
import java.util.Map;

import io.github.bootconcurrency.benchmark.Measurement.Workload;
import io.github.bootconcurrency.benchmark.Targets.Target;
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

	@Test
	void throughputShareIsAgainstPlatformDefaults() {
		add("platform", Workload.HELLO_THROUGHPUT, 64, 1.0);
		add("multi-jvm-platform-proxy", Workload.HELLO_THROUGHPUT, 64, 1.0);
		// Same successes, same wall: 100 %.
		assertThat(target("multi-jvm 2 × platform, proxy").pass()).isTrue();
		assertThat(target("multi-jvm 2 × platform, proxy").measured()).startsWith("100.0 %");
	}

	@Test
	void targetWithoutItsFiguresIsNotMeasuredRatherThanPassed() {
		add("platform", Workload.CPU, 1, 2.0);
		Target target = target("Starter overhead: startup");
		assertThat(target.pass()).isNull();
		assertThat(target.verdict()).isEqualTo("n/a");
	}

}
