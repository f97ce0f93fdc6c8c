package io.github.bootconcurrency.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.ServerConcurrencyContractTests.Server;
import io.github.bootconcurrency.autoconfigure.actuate.ConcurrencyEndpoint;
import io.github.bootconcurrency.autoconfigure.actuate.ConcurrencyEndpoint.DeadlineDescriptor;
import io.github.bootconcurrency.autoconfigure.admission.RequestDeadlines;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.testsupport.RunsInParallel;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The request deadline ({@code concurrency.request-timeout}) on real servers, under both
 * kinds of thread: a request past it is interrupted and answered 503 with Retry-After,
 * its slot freed, and its pooled thread serves the next request uninterrupted; one that
 * ignores the interrupt is counted as stuck while it runs, and a response it sent is left
 * alone; an async request ends at the same deadline.
 */
@RunsInParallel
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RequestDeadlineTests {

	/**
	 * Short, to keep the tests quick, and not whole seconds, so that Retry-After shows
	 * the timeout rounded up.
	 */
	private static final Duration TIMEOUT = Duration.ofMillis(1500);

	/**
	 * The timeout of the request that ignores the interrupt, which runs on for
	 * {@value #STUBBORN_SECONDS} s: long enough for its stuck time to grow a second with
	 * two seconds to spare.
	 */
	private static final Duration STUCK_TIMEOUT = Duration.ofMillis(500);

	private static final double STUBBORN_SECONDS = 3.5;

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
			this.context.close();
		}
	}

	@ParameterizedTest(name = "{0} on {1}")
	@MethodSource("modelsAndServers")
	void aRequestPastTheTimeoutIsInterruptedAnswered503WithRetryAfterAndItsSlotIsFreed(ConcurrencyModel model,
			Server server) throws Exception {
		start(model, server, "concurrency.request-timeout=" + TIMEOUT.toMillis() + "ms");
		long start = System.nanoTime();
		HttpResponse<String> response = get("/io-bound?s=30");
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
		assertThat(response.body()).contains("request timeout (1500ms)");
		assertThat(took).isBetween(TIMEOUT.minusMillis(100), TIMEOUT.plusSeconds(3));
		RequestGate gate = this.context.getBean(RequestGate.class);
		assertThat(gate.getInFlight()).isZero();
		// One thread under the platform model: the next requests run on the thread that
		// was interrupted, and must not find it interrupted.
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> next = get("/interrupted");
			assertThat(next.statusCode()).isEqualTo(200);
			assertThat(next.body()).endsWith(" interrupted=false");
		}
		DeadlineDescriptor deadline = this.context.getBean(ConcurrencyEndpoint.class).concurrency().deadline();
		assertThat(deadline).isNotNull();
		assertThat(deadline.timedOut()).isOne();
		assertThat(deadline.stuck()).isZero();
		// Spring MVC flushes the answers of /interrupted before their threads leave the
		// gate.
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.context.getBean(ConcurrencyEndpoint.class).concurrency().requests().inFlight() == 0);
		assertThat(this.context.getBean(MeterRegistry.class)
			.get("concurrency.requests.timed-out")
			.tag("model", model.value())
			.functionCounter()
			.count()).isOne();
	}

	@ParameterizedTest(name = "{0} on {1}")
	@MethodSource("modelsAndServers")
	void aRequestThatIgnoresTheInterruptIsCountedAsStuckWhileItRunsAndItsSentResponseStays(ConcurrencyModel model,
			Server server) throws Exception {
		start(model, server, "concurrency.request-timeout=" + STUCK_TIMEOUT.toMillis() + "ms");
		CompletableFuture<HttpResponse<String>> stubborn = getAsync("/ignore-interrupt?s=" + STUBBORN_SECONDS);
		RequestDeadlines deadlines = this.context.getBean(RequestDeadlines.class);
		await().atMost(Duration.ofSeconds(4)).until(() -> deadlines.getStuck() == 1);
		DeadlineDescriptor deadline = this.context.getBean(ConcurrencyEndpoint.class).concurrency().deadline();
		assertThat(deadline.stuck()).isOne();
		assertThat(deadline.longestStuckMillis()).isGreaterThanOrEqualTo(STUCK_TIMEOUT.toMillis());
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		assertThat(registry.get("concurrency.requests.stuck").gauge().value()).isOne();
		// How long it has been stuck grows while it runs on past the interrupt.
		await().atMost(Duration.ofSeconds(3))
			.until(() -> deadlines.getLongestStuckMillis() >= STUCK_TIMEOUT.toMillis() + 1000);
		assertThat(stubborn).as("runs on after the interrupt").isNotDone();
		HttpResponse<String> response = stubborn.get(10, TimeUnit.SECONDS);
		// Spring MVC flushed the handler's answer: it was sent, so it is not replaced.
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("done");
		// The client may read the flushed answer before the handler's thread is back.
		await().atMost(Duration.ofSeconds(5)).until(() -> deadlines.getStuck() == 0);
		assertThat(deadlines.getLongestStuckMillis()).isZero();
		assertThat(registry.get("concurrency.requests.stuck").gauge().value()).isZero();
		assertThat(deadlines.getTimedOut()).isOne();
		assertThat(this.context.getBean(RequestGate.class).getInFlight()).isZero();
	}

	@ParameterizedTest(name = "{0} on {1}")
	@MethodSource("modelsAndServers")
	void asyncRequestsEndAtTheSameDeadlineWith503AndRetryAfter(ConcurrencyModel model, Server server) throws Exception {
		start(model, server, "concurrency.request-timeout=" + TIMEOUT.toMillis() + "ms");
		for (String path : List.of("/deferred", "/callable?s=30")) {
			long start = System.nanoTime();
			HttpResponse<String> response = get(path);
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(503);
			assertThat(response.headers().firstValue("Retry-After")).as(path).hasValue("2");
			// Tomcat checks async timeouts once a second.
			assertThat(took).as(path).isBetween(TIMEOUT.minusMillis(100), TIMEOUT.plusSeconds(3));
		}
		RequestDeadlines deadlines = this.context.getBean(RequestDeadlines.class);
		assertThat(deadlines.getTimedOut()).isEqualTo(2);
		assertThat(deadlines.getStuck()).isZero();
	}

	@Test
	void withoutATimeoutRequestsRunAsLongAsTheyTakeAndNoDeadlineIsShown() throws Exception {
		start(ConcurrencyModel.PLATFORM, Server.TOMCAT);
		// Longer than the timeout the other tests set.
		HttpResponse<String> response = get("/io-bound?s=" + TIMEOUT.plusMillis(500).toMillis() / 1000.0);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(this.context.getBean(ConcurrencyEndpoint.class).concurrency().deadline()).isNull();
		assertThat(this.context.getBean(MeterRegistry.class).find("concurrency.requests.timed-out").meters()).isEmpty();
		// No deadline filter, so this context never starts the deadline thread. (A look
		// for
		// the thread by name raced the contexts of the tests run beside it.)
		assertThat(this.context.containsBean("concurrencyRequestDeadlineFilter")).isFalse();
		assertThat(this.context.getBean(RequestDeadlines.class).isEnabled()).isFalse();
	}

	private void start(ConcurrencyModel model, Server server, String... properties) {
		this.context = new SpringApplicationBuilder(DeadlineApplication.class)
			.properties("server.port=0", "spring.autoconfigure.exclude=" + server.other().autoConfiguration(),
					"management.endpoints.web.exposure.include=concurrency", "concurrency.model=" + model.value(),
					"concurrency.platform.max-threads=1", "concurrency.platform.min-threads=1",
					"concurrency.virtual.max-concurrent-requests=5")
			.properties(properties)
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

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration(
			excludeName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
	@Import(DeadlineController.class)
	static class DeadlineApplication {

	}

	@RestController
	static class DeadlineController {

		/**
		 * Sleep, as the sample app's route does.
		 */
		@GetMapping("/io-bound")
		String ioBound(@RequestParam double s) throws InterruptedException {
			Thread.sleep(Duration.ofMillis((long) (s * 1000)));
			return "slept";
		}

		/**
		 * Run for a number of seconds whatever interrupts it, as a busy loop would, but
		 * without keeping a core busy.
		 */
		@GetMapping("/ignore-interrupt")
		String ignoreInterrupt(@RequestParam double s) {
			long end = System.nanoTime() + (long) (s * 1_000_000_000L);
			for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
				try {
					Thread.sleep(Duration.ofNanos(Math.min(left, 50_000_000)));
				}
				catch (InterruptedException ex) {
					// Ignored, as a loop that never checks for it would.
				}
			}
			return "done";
		}

		@GetMapping("/interrupted")
		String interrupted() {
			return Thread.currentThread().getName() + " interrupted=" + Thread.currentThread().isInterrupted();
		}

		@GetMapping("/deferred")
		DeferredResult<String> deferred() {
			return new DeferredResult<>();
		}

		@GetMapping("/callable")
		Callable<String> callable(@RequestParam int s) {
			return () -> {
				Thread.sleep(Duration.ofSeconds(s));
				return "slept";
			};
		}

	}

}
