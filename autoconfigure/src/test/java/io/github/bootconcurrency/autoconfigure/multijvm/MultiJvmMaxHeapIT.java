package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.EachBalancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Handover;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import io.github.bootconcurrency.autoconfigure.testsupport.Traffic;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code max-heap-after-gc} with real JVMs and both balancers: a worker whose heap grows
 * with each request is replaced, surge-first, once its heap after collection stays over
 * the limit, and not one request fails, neither those that grow it nor others, each on a
 * connection of its own, sent throughout; the master counts the replacement under its
 * reason, in the endpoint and in the metrics.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiJvmMaxHeapIT {

	private static final int MAX_REQUESTS = 600;

	private static final Duration MAX_TIME = Duration.ofSeconds(150);

	private final JsonMapper json = JsonMapper.builder().build();

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	@EachBalancer
	void aWorkerWhoseHeapStaysOverTheLimitIsReplacedSurgeFirstWithNoFailedRequest(Balancer balancer) throws Exception {
		MasterProcess master = this.masters.start(balancer, 1, "--test.retain-heap=true",
				"--concurrency.multi-jvm.jvm-args=-XX:+UseSerialGC,-Xmx256m",
				"--concurrency.multi-jvm.max-heap-after-gc=25%",
				"--management.endpoints.web.exposure.include=concurrency,metrics");
		master.awaitReady(1);
		long leaking = master.readyPids().get(0);
		Pattern replacing = Pattern.compile("worker 1 \\(pid " + leaking + ", port \\d+, ready\\) held \\d+MB of heap "
				+ "after 3 collections in a row \\(max-heap-after-gc: 25% = \\d+MB\\): replacing it");
		Traffic traffic = Traffic.start(master.port(), "/where", 2, Traffic.Connections.NEW, Duration.ofMinutes(4));
		traffic.awaitOk(5, Duration.ofSeconds(60));
		List<String> failures = new ArrayList<>();
		int sent = 0;
		long deadline = System.nanoTime() + MAX_TIME.toNanos();
		try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
			// Until the master says it replaces the leaking worker, whose heap then stays
			// where it is, under the application's cap: the successor does not leak.
			while (master.lines().count(replacing) == 0 && sent < MAX_REQUESTS && System.nanoTime() < deadline) {
				HttpResponse<String> response = client
					.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + master.port() + "/retain"))
						.timeout(Http.TIMEOUT)
						.build(), HttpResponse.BodyHandlers.ofString());
				sent++;
				if (response.statusCode() != 200) {
					failures.add(response.statusCode() + " " + response.body());
				}
			}
		}
		master.lines().await(replacing, 1, Duration.ofSeconds(60));
		master.awaitReady(2);
		master.lines()
			.await(Pattern.compile("worker \\d+ \\(pid " + leaking + ", .*\\) stopped with status"), 1,
					Duration.ofSeconds(60));
		traffic.awaitOk(traffic.ok() + 10, Duration.ofSeconds(60));
		List<Traffic.Exchange> exchanges = traffic.stop();
		assertThat(failures).as("of %d requests that grew the heap", sent).isEmpty();
		Handover.assertSurgeFirst(master, balancer, exchanges, leaking, master.readyPids().get(1));
		assertThat(master.output()).doesNotContain("died with status").doesNotContain("OutOfMemoryError");
		JsonNode replacements = this.json.readTree(Http.get(master.port(), "/actuator/concurrency").body())
			.get("cluster")
			.get("counters")
			.get("replacements");
		assertThat(replacements.get("max-heap").asLong()).isOne();
		assertThat(replacements.get("crashed").asLong()).isZero();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			HttpResponse<String> metric = Http.get(master.port(),
					"/actuator/metrics/concurrency.workers.replacements?tag=reason:max-heap");
			assertThat(metric.statusCode()).as(metric.body()).isEqualTo(200);
			assertThat(this.json.readTree(metric.body()).get("measurements").get(0).get("value").asDouble())
				.isEqualTo(1.0);
		});
	}

}
