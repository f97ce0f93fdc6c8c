package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Supervisor;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ClusterView;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for why the master's loop replaces a worker, with the fake launcher, processes,
 * balancer and clock of {@link ArbiterHarness}: {@code max-heap-after-gc}, and the count
 * of replacements by reason that the cluster view shows.
 */
class ArbiterReplacementTests extends ArbiterHarness {

	@Override
	OptionalInt step() {
		OptionalInt exit = super.step();
		assertThat(exit).isEmpty();
		return exit;
	}

	private static final long MB = 1024 * 1024;

	private long collections;

	@Test
	void aWorkerOverTheHeapLimitForThreeCollectionsInARowIsReplacedSurgeFirstWithReasonMaxHeap() {
		start("concurrency.multi-jvm.max-heap-after-gc=100MB");
		FakeWorkers.Process full = readyWorker();
		collection(full, 150 * MB, 512 * MB);
		collection(full, 150 * MB, 512 * MB);
		steps(2);
		assertThat(this.launcher.launched).as("two collections are not enough").hasSize(1);
		collection(full, 150 * MB, 512 * MB);
		step();
		assertThat(log())
			.contains("held 150MB of heap after 3 collections in a row (max-heap-after-gc: 100MB): " + "replacing it");
		assertThat(this.launcher.launched).as("its successor starts first").hasSize(2);
		assertThat(full.signals).isEmpty();
		assertThat(this.balancer.serving).containsExactly(full.id);
		FakeWorkers.Process successor = this.launcher.last();
		ready(successor);
		steps(2);
		assertThat(this.balancer.serving).containsExactly(successor.id);
		assertThat(full.signals).containsExactly("TERM");
		assertThat(replacements()).containsEntry("max-heap", 1L);
		assertThat(this.arbiter.channel().view().counters().recycled()).as("max-requests only").isZero();
	}

	@Test
	void aPercentageLimitIsTakenOfTheMaximumHeapTheWorkerReports() {
		start("concurrency.multi-jvm.max-heap-after-gc=80%");
		FakeWorkers.Process worker = readyWorker();
		for (int i = 0; i < 5; i++) {
			collection(worker, 750 * MB, 1000 * MB);
		}
		steps(2);
		assertThat(this.launcher.launched).as("750MB is under 80% of 1000MB").hasSize(1);
		for (int i = 0; i < 3; i++) {
			collection(worker, 850 * MB, 1000 * MB);
		}
		step();
		assertThat(log()).contains("held 850MB of heap after 3 collections in a row (max-heap-after-gc: 80% = 800MB)");
		assertThat(this.launcher.launched).hasSize(2);
	}

	@Test
	void aHeapThatDropsBackUnderTheLimitBetweenCollectionsReplacesNobody() {
		start("concurrency.multi-jvm.max-heap-after-gc=100MB");
		FakeWorkers.Process worker = readyWorker();
		for (int round = 0; round < 4; round++) {
			collection(worker, 300 * MB, 512 * MB);
			collection(worker, 300 * MB, 512 * MB);
			collection(worker, 40 * MB, 512 * MB);
		}
		steps(2);
		assertThat(this.launcher.launched).hasSize(1);
		assertThat(worker.signals).isEmpty();
		assertThat(replacements()).containsEntry("max-heap", 0L);
	}

	@Test
	void heartbeatsWithNoCollectionSinceTheLastOneAreNotCountedAgain() {
		start("concurrency.multi-jvm.max-heap-after-gc=100MB");
		FakeWorkers.Process worker = readyWorker();
		collection(worker, 300 * MB, 512 * MB);
		for (int beat = 0; beat < 10; beat++) {
			this.arbiter.submit(
					new Event.Heartbeat(worker.id, true, port(worker), 0, 0, 0, 300 * MB, 512 * MB, this.collections));
			step();
		}
		assertThat(this.launcher.launched).as("one spike, then an idle worker").hasSize(1);
	}

	@Test
	void aWorkerThatReportsNoHeapFiguresIsNeverReplacedForItsHeap() {
		start("concurrency.multi-jvm.max-heap-after-gc=1MB");
		FakeWorkers.Process worker = readyWorker();
		for (int beat = 0; beat < 10; beat++) {
			this.arbiter.submit(new Event.Heartbeat(worker.id, true, port(worker), 0, 900 * MB, 0));
			step();
		}
		assertThat(this.launcher.launched).hasSize(1);
	}

	@Test
	void withoutALimitNoHeapReplacesAWorker() {
		start();
		FakeWorkers.Process worker = readyWorker();
		for (int i = 0; i < 5; i++) {
			collection(worker, 500 * MB, 512 * MB);
		}
		steps(2);
		assertThat(this.launcher.launched).hasSize(1);
	}

	@Test
	void aReadyWorkerThatDiesIsCountedAsCrashed() {
		start();
		FakeWorkers.Process worker = readyWorker();
		this.clock.advance(Duration.ofSeconds(20));
		worker.exit(1);
		steps(2);
		assertThat(replacements()).containsEntry("crashed", 1L).containsEntry("hung", 0L);
	}

	@Test
	void aWorkerKilledForItsSilenceIsCountedAsHungOnce() {
		start("concurrency.multi-jvm.timeout=1s");
		FakeWorkers.Process worker = readyWorker();
		for (int i = 0; i < 8; i++) {
			this.clock.advance(Duration.ofMillis(250));
			step();
		}
		this.clock.advance(Supervisor.DUMP_GRACE);
		steps(2);
		assertThat(worker.signals).contains("KILL");
		assertThat(replacements()).containsEntry("hung", 1L).containsEntry("crashed", 0L);
	}

	@Test
	void aWorkerRecycledAfterMaxRequestsIsCountedOnceItsSuccessorServes() {
		start("concurrency.multi-jvm.max-requests=10");
		FakeWorkers.Process old = readyWorker();
		this.arbiter.submit(new Event.Heartbeat(old.id, true, port(old), 10, 0, 0));
		steps(2);
		assertThat(replacements()).as("not before its successor is ready").containsEntry("max-requests", 0L);
		ready(this.launcher.last());
		steps(2);
		assertThat(old.signals).containsExactly("TERM");
		assertThat(replacements()).containsEntry("max-requests", 1L);
	}

	@Test
	void everyWorkerReplacedByAReloadIsCountedAsReloadAndAWorkerQueuedBeforeKeepsItsFirstReason() {
		start("concurrency.multi-jvm.workers=2", "concurrency.multi-jvm.max-requests=10");
		List<FakeWorkers.Process> old = readyWorkers(2);
		this.arbiter.submit(new Event.Heartbeat(old.get(0).id, true, port(old.get(0)), 10, 0, 0));
		step();
		FakeWorkers.Process startedBeforeTheReload = this.launcher.last();
		this.reloader = () -> config("concurrency.multi-jvm.workers=2", "concurrency.multi-jvm.max-requests=10");
		reload();
		for (int round = 0; round < 3; round++) {
			steps(3);
			ready(this.launcher.last());
			steps(3);
		}
		assertThat(old).allSatisfy((worker) -> assertThat(worker.signals).containsExactly("TERM"));
		assertThat(startedBeforeTheReload.signals).containsExactly("TERM");
		assertThat(replacements()).containsEntry("max-requests", 1L).containsEntry("reload", 2L);
	}

	@Test
	void anAbandonedReloadCountsNoReplacement() {
		start();
		readyWorker();
		this.reloader = () -> config("concurrency.multi-jvm.jvm-args=-Xmx64m");
		reload();
		this.launcher.last().exit(1);
		steps(3);
		assertThat(log()).contains("reload abandoned");
		assertThat(replacements().values()).containsOnly(0L);
	}

	@Test
	void aWorkerStoppedBecauseTheCountWentDownIsCountedAsScale() {
		start("concurrency.multi-jvm.workers=3");
		readyWorkers(3);
		this.arbiter.submit(new Event.ScaleRequested(1));
		steps(2);
		assertThat(replacements()).containsEntry("scale", 2L);
		assertThat(this.balancer.serving).hasSize(1);
	}

	@Test
	void theClusterViewCountsEveryReasonTheEndpointAndTheMetricsName() {
		start();
		assertThat(replacements().keySet()).containsExactlyElementsOf(ClusterView.REPLACEMENT_REASONS);
		ClusterView decoded = ClusterView.decode(this.arbiter.channel().view().encode());
		assertThat(decoded.counters().replacements()).isEqualTo(replacements());
	}

	private void collection(FakeWorkers.Process worker, long heapAfterGc, long maxHeap) {
		this.collections++;
		this.arbiter.submit(new Event.Heartbeat(worker.id, true, port(worker), 0, heapAfterGc, 0, heapAfterGc, maxHeap,
				this.collections));
		step();
	}

	private Map<String, Long> replacements() {
		return this.arbiter.channel().view().counters().replacements();
	}

}
