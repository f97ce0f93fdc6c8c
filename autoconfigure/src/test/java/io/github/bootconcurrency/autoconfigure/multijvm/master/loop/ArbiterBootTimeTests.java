package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.time.Duration;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.multijvm.master.metrics.MetricFamilies;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ClusterView;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for what the master's loop tells of each worker's boot: its boot time (launch to
 * ready, as the ready line says it) and what it made of the AOT cache reach the cluster
 * view, and every worker that becomes ready is counted once in
 * {@code concurrency_master_worker_boot_seconds}, by its AOT cache.
 */
class ArbiterBootTimeTests extends ArbiterHarness {

	@Test
	void eachWorkersBootTimeAndAotCacheReachTheClusterViewOnceItIsReady() {
		this.launcher.aotCache = (id) -> (id == 1) ? "recording" : "used";
		start("concurrency.multi-jvm.workers=2");
		steps(2);
		List<FakeWorkers.Process> workers = List.copyOf(this.launcher.launched);
		assertThat(workers).hasSize(2);
		assertThat(this.arbiter.channel().view().workers()).as("booting: no boot time, the cache it was given")
			.extracting(ClusterView.WorkerView::bootMillis, ClusterView.WorkerView::aotCache)
			.containsExactly(tuple(0L, "recording"), tuple(0L, "used"));
		this.clock.advance(Duration.ofMillis(1500));
		ready(workers.get(0));
		step();
		this.clock.advance(Duration.ofMillis(2000));
		workers.get(1).aotCacheOnceReady = "not opened";
		ready(workers.get(1));
		step();
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(log()).contains("is ready after 1500 ms, AOT cache: recording")
			.contains("is ready after 3500 ms, AOT cache: not opened");
		assertThat(this.arbiter.channel().view().workers()).as("what the ready lines said, in one word each")
			.extracting(ClusterView.WorkerView::bootMillis, ClusterView.WorkerView::aotCache)
			.containsExactly(tuple(1500L, "recording"), tuple(3500L, "not-opened"));
	}

	@Test
	void aWorkerOfAMasterThatKeepsNoCacheShowsItsCacheOff() {
		start();
		readyWorker();
		assertThat(this.arbiter.channel().view().workers()).singleElement()
			.satisfies((worker) -> assertThat(worker.aotCache()).isEqualTo("off"));
	}

	@Test
	void everyWorkerThatBecomesReadyIsCountedOnceInTheBootSecondsByItsAotCache() {
		this.launcher.aotCache = (id) -> (id == 1) ? "recording" : "used";
		start("concurrency.multi-jvm.workers=2");
		steps(2);
		List<FakeWorkers.Process> workers = List.copyOf(this.launcher.launched);
		this.clock.advance(Duration.ofMillis(1500));
		ready(workers.get(0));
		step();
		this.clock.advance(Duration.ofMillis(2000));
		ready(workers.get(1));
		step();
		// Heartbeats of ready workers count nothing more.
		ready(workers.get(0));
		ready(workers.get(1));
		steps(2);
		assertThat(describe()).contains(
				"concurrency_master_worker_boot_seconds_bucket{aot_cache=\"recording\",le=\"1.0\"} 0.0",
				"concurrency_master_worker_boot_seconds_bucket{aot_cache=\"recording\",le=\"2.0\"} 1.0",
				"concurrency_master_worker_boot_seconds_bucket{aot_cache=\"recording\",le=\"+Inf\"} 1.0",
				"concurrency_master_worker_boot_seconds_count{aot_cache=\"recording\"} 1.0",
				"concurrency_master_worker_boot_seconds_sum{aot_cache=\"recording\"} 1.5",
				"concurrency_master_worker_boot_seconds_bucket{aot_cache=\"used\",le=\"3.0\"} 0.0",
				"concurrency_master_worker_boot_seconds_bucket{aot_cache=\"used\",le=\"5.0\"} 1.0",
				"concurrency_master_worker_boot_seconds_count{aot_cache=\"used\"} 1.0",
				"concurrency_master_worker_boot_seconds_sum{aot_cache=\"used\"} 3.5");
	}

	@Test
	void aRefusalReadAfterTheReadyLineShowsInTheClusterViewWhileTheBootTimeKeepsTheReadyLinesLabel() {
		this.launcher.aotCache = (id) -> "used";
		start();
		step();
		FakeWorkers.Process worker = this.launcher.last();
		this.clock.advance(Duration.ofMillis(1500));
		ready(worker);
		step();
		assertThat(log()).contains("is ready after 1500 ms, AOT cache: used");
		// As JvmWorkerLauncher's process does once its output's reader reads a refusal
		// the JVM printed before the application started, after the ready heartbeat.
		worker.aotCache = "refused";
		steps(2);
		assertThat(this.arbiter.channel().view().workers()).singleElement()
			.satisfies((view) -> assertThat(view.aotCache()).isEqualTo("refused"));
		assertThat(describe()).as("recorded once, at ready, under the ready line's word")
			.contains("concurrency_master_worker_boot_seconds_count{aot_cache=\"used\"} 1.0")
			.noneMatch((line) -> line.contains("aot_cache=\"refused\""));
	}

	@Test
	void aWorkerThatFailsToBootIsNotCountedInTheBootSeconds() {
		start();
		step();
		this.launcher.last().exit(1);
		step();
		assertThat(describe()).noneMatch((line) -> line.startsWith("concurrency_master_worker_boot_seconds"));
	}

	private List<String> describe() {
		MetricFamilies series = new MetricFamilies();
		this.arbiter.channel().describe(series);
		return series.lines();
	}

}
