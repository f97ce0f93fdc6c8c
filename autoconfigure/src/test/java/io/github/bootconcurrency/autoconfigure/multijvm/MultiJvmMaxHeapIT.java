package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code max-heap-after-gc} with real JVMs: a worker whose heap grows with each request
 * is replaced, surge-first, once its heap after collection stays over the limit, and not
 * one request fails; the master counts the replacement under its reason, in the endpoint
 * and in the metrics.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiJvmMaxHeapIT {

	private static final int MAX_REQUESTS = 600;

	private static final Duration MAX_TIME = Duration.ofSeconds(150);

	private final JsonMapper json = JsonMapper.builder().build();

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	private MasterProcess master;

	@Test
	void aWorkerWhoseHeapStaysOverTheLimitIsReplacedSurgeFirstWithNoFailedRequest() throws Exception {
		this.master = this.masters.start(Balancer.PROXY, 1, "--test.retain-heap=true",
				"--concurrency.multi-jvm.jvm-args=-XX:+UseSerialGC,-Xmx256m",
				"--concurrency.multi-jvm.max-heap-after-gc=25%",
				"--management.endpoints.web.exposure.include=concurrency,metrics");
		this.master.awaitReady(1);
		long leaking = this.master.readyPids().get(0);
		List<String> failures = new ArrayList<>();
		int sent = 0;
		long deadline = System.nanoTime() + MAX_TIME.toNanos();
		try (HttpClient client = HttpClient.newHttpClient()) {
			// Until the leaking worker is gone, then a few more, on its successor.
			int after = 0;
			while (sent < MAX_REQUESTS && System.nanoTime() < deadline && after < 10) {
				HttpResponse<String> response = client.send(
						HttpRequest.newBuilder(uri("/retain")).timeout(Duration.ofSeconds(30)).build(),
						HttpResponse.BodyHandlers.ofString());
				sent++;
				if (response.statusCode() != 200) {
					failures.add(response.statusCode() + " " + response.body());
				}
				if (!MasterProcess.running(leaking)) {
					after++;
				}
				Thread.sleep(100);
			}
		}
		assertThat(MasterProcess.running(leaking)).as(this.master.output()).isFalse();
		assertThat(failures).as("of " + sent + " requests").isEmpty();
		assertThat(this.master.output())
			.containsPattern("worker 1 \\(pid " + leaking + ", port \\d+, ready\\) held \\d+MB of heap after 3 "
					+ "collections in a row \\(max-heap-after-gc: 25% = \\d+MB\\): replacing it")
			.doesNotContain("died with status")
			.doesNotContain("OutOfMemoryError");
		String output = this.master.output();
		int successorReady = output.indexOf(") is ready after", output.indexOf("Started worker 2"));
		assertThat(successorReady).as("its successor is ready before it leaves the balancer")
			.isPositive()
			.isLessThan(output.indexOf("worker 1 (pid " + leaking + ", port", output.indexOf("Started worker 2")));
		JsonNode replacements = this.json.readTree(get("/actuator/concurrency"))
			.get("cluster")
			.get("counters")
			.get("replacements");
		assertThat(replacements.get("max-heap").asLong()).isOne();
		assertThat(replacements.get("crashed").asLong()).isZero();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			JsonNode metric = this.json
				.readTree(get("/actuator/metrics/concurrency.workers.replacements?tag=reason:max-heap"));
			assertThat(metric.get("measurements").get(0).get("value").asDouble()).isEqualTo(1.0);
		});
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.master.port() + path);
	}

	private String get(String path) throws Exception {
		try (HttpClient client = HttpClient.newHttpClient()) {
			HttpResponse<String> response = client.send(
					HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			return response.body();
		}
	}

}
