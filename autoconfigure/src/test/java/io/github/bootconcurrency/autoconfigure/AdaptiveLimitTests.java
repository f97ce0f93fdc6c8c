package io.github.bootconcurrency.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.bootconcurrency.autoconfigure.ServerConcurrencyContractTests.Server;
import io.github.bootconcurrency.autoconfigure.actuate.ConcurrencyEndpoint;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.testsupport.RunsInParallel;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code concurrency.virtual.limit=adaptive}, a real server's request limit follows
 * a downstream that slows down and recovers: the limit falls when the downstream's
 * latency jumps from 10 ms to 500 ms under a steady load, so the requests admitted do not
 * pile up waiting for the downstream, and it rises again once the latency is back.
 *
 * <p>
 * The downstream is a pool of {@value #DOWNSTREAM_CONNECTIONS} connections, as a database
 * or an HTTP client has: a request in the application waits for a connection, then for
 * the downstream's answer. Under a fixed cap of {@value #MAX} the requests in flight
 * would queue for the pool {@value #MAX} deep, 500 ms per
 * {@value #DOWNSTREAM_CONNECTIONS} of them (about 6 s each). The load is closed (a fixed
 * number of clients, each sending its next request when the last is answered), on
 * 127.0.0.1, bounded in time. Bounds are generous: the test runs on two shared cores.
 */
@RunsInParallel
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AdaptiveLimitTests {

	private static final int MAX = 48;

	private static final int MIN = 2;

	private static final int CLIENTS = 64;

	private static final int DOWNSTREAM_CONNECTIONS = 4;

	private ConfigurableApplicationContext context;

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@ParameterizedTest
	@EnumSource(Server.class)
	void limitFallsWhenTheDownstreamSlowsKeepingAdmittedLatencyBoundedAndRecoversWithIt(Server server)
			throws Exception {
		this.context = new SpringApplicationBuilder(AdaptiveApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1",
					"spring.autoconfigure.exclude=" + server.other().autoConfiguration(),
					"management.endpoints.web.exposure.include=concurrency", "concurrency.model=virtual",
					"concurrency.virtual.limit=adaptive", "concurrency.virtual.max-concurrent-requests=" + MAX,
					"concurrency.virtual.min-concurrent-requests=" + MIN, "concurrency.virtual.queue-timeout=1s")
			.run();
		String base = "http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port");
		RequestGate gate = this.context.getBean(RequestGate.class);
		Downstream downstream = this.context.getBean(Downstream.class);
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		assertThat(gate.getLimit()).isEqualTo(MIN);
		// One steady load throughout: the downstream changes under it, not the load.
		try (Load load = new Load(base + "/downstream", gate)) {
			Phase fast = load.phase("fast", Duration.ofSeconds(4));
			downstream.latencyMillis = 500;
			Phase slow = load.phase("slow", Duration.ofSeconds(10));
			// Read from the bean: an HTTP request would queue at the very gate it reads.
			int endpointLimit = this.context.getBean(ConcurrencyEndpoint.class).concurrency().requests().limit();
			double gaugeLimit = registry.get("concurrency.requests.limit").gauge().value();
			downstream.latencyMillis = 10;
			Phase recovered = load.phase("recovered", Duration.ofSeconds(3));
			load.stop();
			String report = fast + "\n" + slow + "\n" + recovered + "\nendpoint limit " + endpointLimit + ", gauge "
					+ gaugeLimit;
			// It grew from its minimum while the downstream was fast.
			assertThat(fast.highestLimit()).as(report).isGreaterThanOrEqualTo(3 * MIN);
			// It fell when the downstream slowed, and the endpoint and the gauge say so.
			// (Even a fast downstream queues requests for its four connections, so the
			// limit moves while it is fast too: compare with its mean.)
			assertThat(slow.lowestLimit()).as(report).isLessThanOrEqualTo(fast.meanLimitInSecondHalf() / 2);
			assertThat(endpointLimit).as(report).isLessThan(MAX);
			assertThat(gaugeLimit).as(report).isLessThan(MAX);
			// So the requests it admitted once it had fallen did not queue for the
			// downstream as long as under a fixed cap: MAX / DOWNSTREAM_CONNECTIONS * 500
			// ms, 6 s, for every request.
			assertThat(slow.admittedP99InLastPart()).as(report).isLessThan(Duration.ofSeconds(4));
			// Enough of them for that to mean something: the downstream's 4 connections
			// serve
			// at most 32 in that part; on a loaded machine (load 9) 9 were seen.
			assertThat(slow.admittedInLastPart()).as(report).isGreaterThanOrEqualTo(5);
			// And it rose again once the downstream was fast again.
			assertThat(recovered.highestLimit()).as(report).isGreaterThanOrEqualTo(2 * slow.lowestLimit());
		}
	}

	/**
	 * A phase of the load: the limit seen every 50 ms, and every admitted request of the
	 * whole load (read once it has stopped), as its admission and the time it took in the
	 * application, as the application measured it.
	 */
	record Phase(String name, List<long[]> limits, Collection<long[]> admitted, long startNanos, long endNanos,
			int rejected) {

		/**
		 * Whether a request was admitted from 40 % to 80 % into the phase: once the limit
		 * had moved, and early enough to end before the next phase.
		 */
		boolean inLastPart(long[] request) {
			long length = this.endNanos - this.startNanos;
			return request[0] >= this.startNanos + length * 4 / 10 && request[0] < this.startNanos + length * 8 / 10;
		}

		int meanLimitInSecondHalf() {
			long middle = this.startNanos + (this.endNanos - this.startNanos) / 2;
			return (int) this.limits.stream()
				.filter((limit) -> limit[0] >= middle)
				.mapToLong((limit) -> limit[1])
				.average()
				.orElseThrow();
		}

		int highestLimit() {
			return (int) this.limits.stream().mapToLong((limit) -> limit[1]).max().orElseThrow();
		}

		int lowestLimit() {
			return (int) this.limits.stream().mapToLong((limit) -> limit[1]).min().orElseThrow();
		}

		int admittedInLastPart() {
			return (int) this.admitted.stream().filter(this::inLastPart).count();
		}

		Duration admittedP99InLastPart() {
			long[] times = this.admitted.stream()
				.filter(this::inLastPart)
				.mapToLong((request) -> request[1])
				.sorted()
				.toArray();
			return (times.length == 0) ? Duration.ZERO
					: Duration.ofNanos(times[Math.min(times.length - 1, (int) Math.ceil(times.length * 0.99) - 1)]);
		}

		@Override
		public String toString() {
			return this.name + ": limit " + this.limits.stream().map((limit) -> String.valueOf(limit[1])).toList()
					+ ", admitted in the last part " + admittedInLastPart() + " (p99 in the last part "
					+ admittedP99InLastPart() + "), rejected " + this.rejected;
		}

	}

	/**
	 * {@value #CLIENTS} clients, each sending a request as soon as the last is answered,
	 * until stopped or a minute has passed.
	 */
	static final class Load implements AutoCloseable {

		private static final Duration MAX_DURATION = Duration.ofMinutes(1);

		private final HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.executor(Executors.newVirtualThreadPerTaskExecutor())
			.build();

		private final HttpRequest request;

		private final RequestGate gate;

		private final ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();

		private final ConcurrentLinkedQueue<long[]> admitted = new ConcurrentLinkedQueue<>();

		private final AtomicInteger rejected = new AtomicInteger();

		private final AtomicBoolean stopped = new AtomicBoolean();

		private final AtomicReference<Exception> failure = new AtomicReference<>();

		Load(String url, RequestGate gate) {
			this.request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build();
			this.gate = gate;
			long end = System.nanoTime() + MAX_DURATION.toNanos();
			for (int i = 0; i < CLIENTS; i++) {
				this.clients.execute(() -> {
					while (!this.stopped.get() && System.nanoTime() < end) {
						try {
							HttpResponse<String> response = this.client.send(this.request,
									HttpResponse.BodyHandlers.ofString());
							if (response.statusCode() == 200) {
								long tookNanos = Long.parseLong(response.body());
								this.admitted.add(new long[] { System.nanoTime() - tookNanos, tookNanos });
							}
							else {
								this.rejected.incrementAndGet();
							}
						}
						catch (Exception ex) {
							this.failure.compareAndSet(null, ex);
							return;
						}
					}
				});
			}
		}

		Phase phase(String name, Duration duration) throws InterruptedException {
			long start = System.nanoTime();
			long end = start + duration.toNanos();
			int rejectedBefore = this.rejected.get();
			List<long[]> limits = new ArrayList<>();
			while (System.nanoTime() < end) {
				limits.add(new long[] { System.nanoTime(), this.gate.getLimit() });
				Thread.sleep(50);
			}
			assertThat(this.failure.get()).as("a request failed").isNull();
			return new Phase(name, limits, this.admitted, start, end, this.rejected.get() - rejectedBefore);
		}

		void stop() throws InterruptedException {
			this.stopped.set(true);
			this.clients.shutdown();
			assertThat(this.clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		}

		@Override
		public void close() {
			this.stopped.set(true);
			this.clients.shutdownNow();
			this.client.close();
		}

	}

	/**
	 * A downstream with a pool of connections, whose answer takes a latency that the test
	 * sets.
	 */
	static class Downstream {

		private final Semaphore connections = new Semaphore(DOWNSTREAM_CONNECTIONS, true);

		volatile long latencyMillis = 10;

		long call() throws InterruptedException {
			long start = System.nanoTime();
			this.connections.acquire();
			try {
				Thread.sleep(this.latencyMillis);
			}
			finally {
				this.connections.release();
			}
			return System.nanoTime() - start;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration(
			excludeName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
	static class AdaptiveApplication {

		@Bean
		Downstream downstream() {
			return new Downstream();
		}

		@Bean
		DownstreamController downstreamController(Downstream downstream) {
			return new DownstreamController(downstream);
		}

	}

	@RestController
	static class DownstreamController {

		private final Downstream downstream;

		DownstreamController(Downstream downstream) {
			this.downstream = downstream;
		}

		@GetMapping("/downstream")
		String call() throws InterruptedException {
			return Long.toString(this.downstream.call());
		}

	}

}
