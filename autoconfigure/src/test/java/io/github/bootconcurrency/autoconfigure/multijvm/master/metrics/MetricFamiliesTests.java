package io.github.bootconcurrency.autoconfigure.multijvm.master.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MetricFamilies}: expositions as Micrometer's Prometheus registry
 * writes them, merged into one that Prometheus accepts.
 */
class MetricFamiliesTests {

	private static final String WORKER = """
			# HELP http_server_requests_seconds
			# TYPE http_server_requests_seconds histogram
			http_server_requests_seconds_bucket{method="GET",uri="/",le="0.1"} 3
			http_server_requests_seconds_bucket{method="GET",uri="/",le="+Inf"} 4
			http_server_requests_seconds_count{method="GET",uri="/"} 4
			http_server_requests_seconds_sum{method="GET",uri="/"} 0.25
			# HELP jvm_threads_live_threads The current number of live threads
			# TYPE jvm_threads_live_threads gauge
			jvm_threads_live_threads 21
			# HELP odd_total A label value with a brace, a quote and a comma
			# TYPE odd_total counter
			odd_total{path="/{id}",quote="a \\"b\\", c"} 1 1700000000000
			""";

	@Test
	void everyFamilyKeepsOneHelpAndOneTypeLineWithTheSamplesOfEveryWorkerGroupedUnderThem() {
		MetricFamilies families = new MetricFamilies();
		families.addExposition(WORKER, "worker", "1");
		families.addExposition(WORKER.replace(" 21", " 34"), "worker", "2");
		assertThat(String.join("\n", families.lines())).isEqualTo("""
				# HELP http_server_requests_seconds
				# TYPE http_server_requests_seconds histogram
				http_server_requests_seconds_bucket{worker="1",method="GET",uri="/",le="0.1"} 3
				http_server_requests_seconds_bucket{worker="1",method="GET",uri="/",le="+Inf"} 4
				http_server_requests_seconds_count{worker="1",method="GET",uri="/"} 4
				http_server_requests_seconds_sum{worker="1",method="GET",uri="/"} 0.25
				http_server_requests_seconds_bucket{worker="2",method="GET",uri="/",le="0.1"} 3
				http_server_requests_seconds_bucket{worker="2",method="GET",uri="/",le="+Inf"} 4
				http_server_requests_seconds_count{worker="2",method="GET",uri="/"} 4
				http_server_requests_seconds_sum{worker="2",method="GET",uri="/"} 0.25
				# HELP jvm_threads_live_threads The current number of live threads
				# TYPE jvm_threads_live_threads gauge
				jvm_threads_live_threads{worker="1"} 21
				jvm_threads_live_threads{worker="2"} 34
				# HELP odd_total A label value with a brace, a quote and a comma
				# TYPE odd_total counter
				odd_total{worker="1",path="/{id}",quote="a \\"b\\", c"} 1 1700000000000
				odd_total{worker="2",path="/{id}",quote="a \\"b\\", c"} 1 1700000000000""");
	}

	@Test
	void aFamilyThatOnlyOneWorkerHasIsKeptAndSamplesWithoutHeadersGetTheirOwnFamily() {
		MetricFamilies families = new MetricFamilies();
		families.addExposition("up 1\nother{} 2\n", "worker", "3");
		families.addExposition("# TYPE late gauge\nlate 5\n", "worker", "4");
		assertThat(families.lines()).containsExactly("up{worker=\"3\"} 1", "other{worker=\"3\"} 2", "# TYPE late gauge",
				"late{worker=\"4\"} 5");
	}

	@Test
	void theMastersOwnSamplesComeWithoutAWorkerLabelAndOneHeaderPerFamily() {
		MetricFamilies families = new MetricFamilies();
		Map<String, String> ready = new LinkedHashMap<>();
		ready.put("state", "ready");
		families.add("concurrency_master_workers", "gauge", "Worker processes, by state.", ready, 2);
		families.add("concurrency_master_workers", "gauge", "Worker processes, by state.", Map.of("state", "booting"),
				0);
		assertThat(families.lines()).containsExactly("# HELP concurrency_master_workers Worker processes, by state.",
				"# TYPE concurrency_master_workers gauge", "concurrency_master_workers{state=\"ready\"} 2.0",
				"concurrency_master_workers{state=\"booting\"} 0.0");
	}

}
