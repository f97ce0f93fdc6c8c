package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.actuate.ConcurrencyMeterBinder;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.multijvm.master.channel.ChannelPort;
import io.github.bootconcurrency.autoconfigure.multijvm.master.channel.MasterChannel;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.MasterCounters;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.ReplacementReason;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ClusterView;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlRequest;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.channel.MasterChannelClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The master's replacements by reason as a worker publishes them, through a real control
 * channel: {@code concurrency.workers.replacements}, tagged with {@code reason}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MasterReplacementsMetricsTests {

	private static final String TOKEN = "9f86d081884c7d659a2feaa0c55ad015";

	private final MasterChannel channel = MasterChannel
		.open(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

	private final MasterCounters counters = new MasterCounters();

	@AfterEach
	void close() {
		this.channel.close();
	}

	@Test
	void aWorkerPublishesTheMastersReplacementsByReasonAndKeepsTheLastOnesWhenTheMasterIsGone() {
		this.channel.serve(new ChannelPort() {

			@Override
			public boolean authenticate(int workerId, String token) {
				return workerId == 7 && TOKEN.equals(token);
			}

			@Override
			public ClusterView view() {
				return new ClusterView("proxy", 1, MasterReplacementsMetricsTests.this.counters.view(), List.of());
			}

			@Override
			public void heartbeat(int workerId, ControlRequest.Heartbeat heartbeat) {
			}

			@Override
			public CompletableFuture<OptionalInt> scale(int workers) {
				return new CompletableFuture<>();
			}

			@Override
			public CompletableFuture<Boolean> reload() {
				return new CompletableFuture<>();
			}

			@Override
			public void channelTrouble(boolean failing) {
			}

		});
		this.counters.replaced(ReplacementReason.MAX_HEAP);
		this.counters.replaced(ReplacementReason.MAX_HEAP);
		this.counters.replaced(ReplacementReason.CRASHED);
		MasterChannelClient client = new MasterChannelClient(new WorkerEnvironment(7, ProcessHandle.current().pid(),
				this.channel.socket(), TOKEN, false, Duration.ofSeconds(1)));
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new ConcurrencyMeterBinder(new RequestGate(10, Duration.ofSeconds(1)), "multi-jvm", client).bindTo(registry);
		assertThat(replacements(registry)).containsEntry("max-heap", 2.0)
			.containsEntry("crashed", 1.0)
			.containsEntry("scale", 0.0)
			.containsOnlyKeys(ClusterView.REPLACEMENT_REASONS);
		// Nothing but the registry holds the binder now, as when a binder is registered
		// and dropped: its meters must go on reading the master after a collection.
		System.gc();
		this.counters.replaced(ReplacementReason.SCALE);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(replacements(registry)).containsEntry("scale", 1.0));
		this.channel.close();
		await().pollDelay(Duration.ofMillis(1100))
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(replacements(registry)).containsEntry("max-heap", 2.0)
				.containsEntry("scale", 1.0));
	}

	@Test
	void outsideAWorkerNoReplacementIsPublished() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new ConcurrencyMeterBinder(new RequestGate(10, Duration.ofSeconds(1)), "virtual").bindTo(registry);
		assertThat(registry.find("concurrency.workers.replacements").meters()).isEmpty();
	}

	private static Map<String, Double> replacements(SimpleMeterRegistry registry) {
		return registry.find("concurrency.workers.replacements")
			.functionCounters()
			.stream()
			.collect(java.util.stream.Collectors.toMap((counter) -> counter.getId().getTag("reason"),
					(counter) -> counter.count()));
	}

}
