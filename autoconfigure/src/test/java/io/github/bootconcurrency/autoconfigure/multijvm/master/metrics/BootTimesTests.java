package io.github.bootconcurrency.autoconfigure.multijvm.master.metrics;

import java.time.Duration;

import io.github.bootconcurrency.autoconfigure.multijvm.master.balancer.SharedSocket;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfigLoader;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.MasterCounters;
import io.github.bootconcurrency.autoconfigure.testsupport.Commands;
import io.github.bootconcurrency.autoconfigure.testsupport.Promtool;
import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BootTimes}: {@code concurrency_master_worker_boot_seconds}, a
 * histogram of fixed buckets by AOT cache, in the text Prometheus reads.
 */
class BootTimesTests {

	private static final Duration DEFAULT_BOOT_TIMEOUT = MasterConfigLoader
		.load(new MockEnvironment(), SharedSocket.unsupportedReason())
		.timeouts()
		.boot();

	@Test
	void bootTimesAreAHistogramOfCumulativeBucketsByAotCache() {
		BootTimes bootTimes = new BootTimes();
		bootTimes.record("used", Duration.ofMillis(900));
		bootTimes.record("used", Duration.ofSeconds(1));
		bootTimes.record("used", Duration.ofMillis(4200));
		bootTimes.record("off", Duration.ofSeconds(75));
		MetricFamilies series = new MetricFamilies();
		bootTimes.describe(series);
		assertThat(series.lines()).containsOnlyOnce("# TYPE concurrency_master_worker_boot_seconds histogram")
			.containsSubsequence("# HELP concurrency_master_worker_boot_seconds "
					+ "Time from a worker's launch to its first ready heartbeat, by what it made of the AOT cache.",
					"# TYPE concurrency_master_worker_boot_seconds histogram",
					"concurrency_master_worker_boot_seconds_bucket{aot_cache=\"off\",le=\"0.5\"} 0.0",
					"concurrency_master_worker_boot_seconds_bucket{aot_cache=\"off\",le=\"60.0\"} 0.0",
					"concurrency_master_worker_boot_seconds_bucket{aot_cache=\"off\",le=\"+Inf\"} 1.0",
					"concurrency_master_worker_boot_seconds_count{aot_cache=\"off\"} 1.0",
					"concurrency_master_worker_boot_seconds_sum{aot_cache=\"off\"} 75.0",
					"concurrency_master_worker_boot_seconds_bucket{aot_cache=\"used\",le=\"0.5\"} 0.0",
					"concurrency_master_worker_boot_seconds_bucket{aot_cache=\"used\",le=\"1.0\"} 2.0",
					"concurrency_master_worker_boot_seconds_bucket{aot_cache=\"used\",le=\"2.0\"} 2.0",
					"concurrency_master_worker_boot_seconds_bucket{aot_cache=\"used\",le=\"3.0\"} 2.0",
					"concurrency_master_worker_boot_seconds_bucket{aot_cache=\"used\",le=\"5.0\"} 3.0",
					"concurrency_master_worker_boot_seconds_bucket{aot_cache=\"used\",le=\"+Inf\"} 3.0",
					"concurrency_master_worker_boot_seconds_count{aot_cache=\"used\"} 3.0",
					"concurrency_master_worker_boot_seconds_sum{aot_cache=\"used\"} 6.1");
	}

	@Test
	void aBootTowardsTheDefaultBootTimeoutIsCountedInABucketBelowIt() {
		BootTimes bootTimes = new BootTimes();
		bootTimes.record("none", Duration.ofSeconds(75));
		MetricFamilies series = new MetricFamilies();
		bootTimes.describe(series);
		assertThat(series.lines()).containsSubsequence(
				"concurrency_master_worker_boot_seconds_bucket{aot_cache=\"none\",le=\"60.0\"} 0.0",
				"concurrency_master_worker_boot_seconds_bucket{aot_cache=\"none\",le=\"90.0\"} 1.0",
				"concurrency_master_worker_boot_seconds_bucket{aot_cache=\"none\",le=\"120.0\"} 1.0",
				"concurrency_master_worker_boot_seconds_bucket{aot_cache=\"none\",le=\"+Inf\"} 1.0");
		BootTimes atTheTimeout = new BootTimes();
		atTheTimeout.record("none", DEFAULT_BOOT_TIMEOUT);
		MetricFamilies atTheTimeoutSeries = new MetricFamilies();
		atTheTimeout.describe(atTheTimeoutSeries);
		assertThat(atTheTimeoutSeries.lines()).as("a boot of the default boot-timeout, %s", DEFAULT_BOOT_TIMEOUT)
			.anyMatch((line) -> line.contains("_bucket{") && !line.contains("+Inf") && line.endsWith(" 1.0"));
	}

	@Test
	void noWorkerReadyYetWritesNoBootTimes() {
		MetricFamilies series = new MetricFamilies();
		new BootTimes().describe(series);
		assertThat(series.lines()).noneMatch((line) -> line.contains("concurrency_master_worker_boot_seconds"));
	}

	@Test
	void promtoolAcceptsTheMastersCountersWithTheirBootTimes() {
		BootTimes bootTimes = new BootTimes();
		bootTimes.record("not-opened", Duration.ofMillis(2500));
		bootTimes.record("recording", Duration.ofMillis(3100));
		MetricFamilies series = new MetricFamilies();
		// In the order the master's counters write them.
		new MasterCounters().describe(series);
		bootTimes.describe(series);
		String exposition = String.join("\n", series.lines()) + "\n";
		Commands.Result result = Promtool.checkMetrics(exposition);
		assertThat(result.exitValue()).as("promtool check metrics:\n%s\non:\n%s", result.output(), exposition).isZero();
		assertThat(result.output()).isEmpty();
	}

}
