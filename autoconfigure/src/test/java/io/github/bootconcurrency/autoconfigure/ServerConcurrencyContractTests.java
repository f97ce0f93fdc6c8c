package io.github.bootconcurrency.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.actuate.ConcurrencyEndpoint;
import io.github.bootconcurrency.autoconfigure.actuate.ConcurrencyEndpoint.RequestsDescriptor;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.testsupport.RunsInParallel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The contract that every concurrency model must keep on every server, checked with a
 * real server and real concurrent HTTP requests: handlers run on the model's kind of
 * thread, no more than the limit are ever handled at once, an extra request waits, and
 * what happens when it has waited too long.
 */
@RunsInParallel
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ServerConcurrencyContractTests {

	private static final int PLATFORM_MAX_THREADS = 2;

	private static final int VIRTUAL_MAX_CONCURRENT_REQUESTS = 5;

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.executor(Executors.newVirtualThreadPerTaskExecutor())
		.build();

	private ConfigurableApplicationContext context;

	static Stream<Arguments> modelsAndServers() {
		List<Arguments> pairs = new ArrayList<>();
		for (ConcurrencyModel model : List.of(ConcurrencyModel.PLATFORM, ConcurrencyModel.VIRTUAL)) {
			for (Server server : Server.values()) {
				pairs.add(Arguments.of(model, server));
			}
		}
		return pairs.stream();
	}

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.getBean(Probe.class).release();
			this.context.close();
		}
	}

	@ParameterizedTest(name = "{0} on {1}")
	@MethodSource("modelsAndServers")
	void handlersRunOnTheModelsKindOfThread(ConcurrencyModel model, Server server) throws Exception {
		start(model, server, Duration.ofSeconds(30));
		HttpResponse<String> response = get("/thread");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("virtual=" + model.usesVirtualThreads());
		assertThat(get("/actuator/concurrency").body()).contains("\"model\":\"" + model.value() + "\"")
			.contains("\"server\":\"" + server.name().toLowerCase() + "\"");
	}

	@ParameterizedTest(name = "{0} on {1}")
	@MethodSource("modelsAndServers")
	void neverHandlesMoreThanTheLimitAtOnceAndExtraRequestsWaitThenSucceed(ConcurrencyModel model, Server server)
			throws Exception {
		start(model, server, Duration.ofSeconds(30));
		int limit = limit(model);
		Probe probe = this.context.getBean(Probe.class);
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < limit + 2; i++) {
			responses.add(getAsync("/block"));
		}
		RequestGate gate = this.context.getBean(RequestGate.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> probe.current() == limit);
		// Until every request is handled or counted as waiting for a slot (at the gate,
		// or
		// in the server's own queue when its pool is full): from there an extra request
		// gets past the limit only if a slot is freed.
		await().atMost(Duration.ofSeconds(10)).until(() -> probe.current() + gate.getWaiting() == limit + 2);
		assertThat(probe.current()).isEqualTo(limit);
		assertThat(responses.stream().filter(CompletableFuture::isDone)).isEmpty();
		assertThat(gate.getWaiting()).isEqualTo(2);
		probe.release();
		for (CompletableFuture<HttpResponse<String>> response : responses) {
			assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		assertThat(probe.peak()).isEqualTo(limit);
		assertThat(probe.handled()).isEqualTo(limit + 2);
		assertThat(gate.getWaiting()).isZero();
		assertThat(gate.getPeakInFlight()).isEqualTo(limit);
		assertThat(gate.getRejected()).isZero();
	}

	@ParameterizedTest(name = "{0} on {1}")
	@MethodSource("modelsAndServers")
	void requestOverTheLimitIsRejectedOnlyUnderTheVirtualModelAndOnlyAfterTheQueueTimeout(ConcurrencyModel model,
			Server server) throws Exception {
		// Not whole seconds, so that Retry-After shows it rounded up.
		Duration queueTimeout = Duration.ofMillis(1250);
		start(model, server, queueTimeout);
		int limit = limit(model);
		Probe probe = this.context.getBean(Probe.class);
		for (int i = 0; i < limit; i++) {
			getAsync("/block");
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> probe.current() == limit);
		long start = System.nanoTime();
		CompletableFuture<HttpResponse<String>> extra = getAsync("/block");
		if (model == ConcurrencyModel.VIRTUAL) {
			HttpResponse<String> response = extra.get(10, TimeUnit.SECONDS);
			Duration waited = Duration.ofNanos(System.nanoTime() - start);
			assertThat(response.statusCode()).isEqualTo(503);
			assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
			assertThat(waited).isGreaterThanOrEqualTo(queueTimeout.minusMillis(100));
			assertThat(this.context.getBean(RequestGate.class).getRejected()).isOne();
		}
		else {
			Thread.sleep(queueTimeout.plusMillis(500).toMillis());
			assertThat(extra).isNotDone();
			probe.release();
			assertThat(extra.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		assertThat(probe.peak()).isEqualTo(limit);
	}

	@ParameterizedTest(name = "{0} on {1}")
	@MethodSource("modelsAndServers")
	void endpointCountsRequestsInFlightAndWaiting(ConcurrencyModel model, Server server) throws Exception {
		start(model, server, Duration.ofSeconds(30));
		int limit = limit(model);
		Probe probe = this.context.getBean(Probe.class);
		for (int i = 0; i < limit + 1; i++) {
			getAsync("/block");
		}
		RequestGate gate = this.context.getBean(RequestGate.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> probe.current() == limit && gate.getWaiting() == 1);
		// Every slot is taken, so the endpoint is read in-process rather than over HTTP.
		RequestsDescriptor requests = this.context.getBean(ConcurrencyEndpoint.class).concurrency().requests();
		assertThat(requests.limit()).isEqualTo(limit);
		assertThat(requests.inFlight()).isEqualTo(limit);
		assertThat(requests.peakInFlight()).isEqualTo(limit);
		assertThat(requests.waiting()).isEqualTo(1);
		assertThat(requests.rejected()).isZero();
		probe.release();
		await().atMost(Duration.ofSeconds(10)).until(() -> gate.getInFlight() == 0);
		assertThat(gate.getCompleted()).isEqualTo(limit + 1);
		assertThat(gate.getWaiting()).isZero();
	}

	private int limit(ConcurrencyModel model) {
		return (model == ConcurrencyModel.PLATFORM) ? PLATFORM_MAX_THREADS : VIRTUAL_MAX_CONCURRENT_REQUESTS;
	}

	private void start(ConcurrencyModel model, Server server, Duration queueTimeout) {
		this.context = new SpringApplicationBuilder(ContractApplication.class)
			.properties("server.port=0", "spring.autoconfigure.exclude=" + server.other().autoConfiguration,
					"management.endpoints.web.exposure.include=concurrency", "concurrency.model=" + model.value(),
					"concurrency.platform.max-threads=" + PLATFORM_MAX_THREADS, "concurrency.platform.min-threads=1",
					"concurrency.virtual.max-concurrent-requests=" + VIRTUAL_MAX_CONCURRENT_REQUESTS,
					"concurrency.virtual.queue-timeout=" + queueTimeout.toMillis() + "ms")
			.run();
	}

	private HttpResponse<String> get(String path) throws Exception {
		return getAsync(path).get(20, TimeUnit.SECONDS);
	}

	private CompletableFuture<HttpResponse<String>> getAsync(String path) {
		String port = this.context.getEnvironment().getProperty("local.server.port");
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(20))
			.build();
		return this.client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
	}

	enum Server {

		TOMCAT("org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration",
				"org.springframework.boot.tomcat.autoconfigure.actuate.web.server.TomcatServletManagementContextAutoConfiguration"),

		JETTY("org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration",
				"org.springframework.boot.jetty.autoconfigure.actuate.web.server.JettyServletManagementContextAutoConfiguration");

		private final String autoConfiguration;

		// The management server's too: with both on the class path, a separate management
		// port would have two factories for its child context.
		Server(String serverAutoConfiguration, String managementAutoConfiguration) {
			this.autoConfiguration = serverAutoConfiguration + "," + managementAutoConfiguration;
		}

		/**
		 * Return this server's auto-configurations, as a value of
		 * {@code spring.autoconfigure.exclude}.
		 */
		String autoConfiguration() {
			return this.autoConfiguration;
		}

		Server other() {
			return (this == TOMCAT) ? JETTY : TOMCAT;
		}

	}

	/**
	 * Counts the requests being handled and holds them until released.
	 */
	static class Probe {

		private final AtomicInteger current = new AtomicInteger();

		private final AtomicInteger peak = new AtomicInteger();

		private final AtomicInteger handled = new AtomicInteger();

		private final CountDownLatch release = new CountDownLatch(1);

		void hold() throws InterruptedException {
			this.peak.accumulateAndGet(this.current.incrementAndGet(), Math::max);
			try {
				this.release.await(30, TimeUnit.SECONDS);
			}
			finally {
				this.current.decrementAndGet();
				this.handled.incrementAndGet();
			}
		}

		void release() {
			this.release.countDown();
		}

		int current() {
			return this.current.get();
		}

		int peak() {
			return this.peak.get();
		}

		int handled() {
			return this.handled.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration(
			excludeName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
	static class ContractApplication {

		@Bean
		Probe probe() {
			return new Probe();
		}

		@Bean
		ProbeController probeController(Probe probe) {
			return new ProbeController(probe);
		}

	}

	@RestController
	static class ProbeController {

		private final Probe probe;

		ProbeController(Probe probe) {
			this.probe = probe;
		}

		@GetMapping("/block")
		String block() throws InterruptedException {
			this.probe.hold();
			return "done";
		}

		@GetMapping("/thread")
		String thread() {
			return "virtual=" + Thread.currentThread().isVirtual();
		}

	}

}
