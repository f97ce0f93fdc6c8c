package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

import io.github.bootconcurrency.autoconfigure.multijvm.master.metrics.MetricFamilies;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ArbiterChannel}: what the control channel asks reaches the loop as
 * events, and is answered once the loop took it.
 */
class ArbiterChannelTests extends ArbiterHarness {

	@Test
	void aHeartbeatThroughTheChannelPutsTheWorkerInTheBalancerOnTheLoopsNextStep() {
		start();
		step();
		FakeWorkers.Process worker = this.launcher.last();
		this.arbiter.channel()
			.heartbeat(worker.id, new ControlRequest.Heartbeat(true, port(worker), 0, 0, 0, -1, -1, -1, 0));
		assertThat(this.balancer.serving).isEmpty();
		step();
		assertThat(this.balancer.serving).containsExactly(worker.id);
		assertThat(this.arbiter.channel().view().workers()).singleElement()
			.satisfies((view) -> assertThat(view.port()).isEqualTo(port(worker)));
	}

	@Test
	void scaleAndReloadThroughTheChannelAreAnsweredOnceTheLoopTookThem() {
		start();
		CompletableFuture<OptionalInt> scaled = this.arbiter.channel().scale(3);
		CompletableFuture<Boolean> reloading = this.arbiter.channel().reload();
		assertThat(scaled).isNotDone();
		step();
		assertThat(scaled).isCompletedWithValue(OptionalInt.of(3));
		assertThat(reloading).isCompletedWithValue(true);
		assertThat(this.arbiter.channel().view().targetWorkers()).isEqualTo(3);
	}

	@Test
	void aScrapeDescribesTheMastersTarget() {
		start("concurrency.multi-jvm.workers=2");
		MetricFamilies series = new MetricFamilies();
		this.arbiter.channel().describe(series);
		assertThat(String.join("\n", series.lines())).contains("concurrency_master_workers_target 2.0");
	}

}
