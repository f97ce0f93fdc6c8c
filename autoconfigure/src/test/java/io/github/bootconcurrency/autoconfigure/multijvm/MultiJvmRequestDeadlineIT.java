package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The request deadline under multi-jvm, with real JVMs: a worker whose request ignores
 * the interrupt and runs past request-timeout plus graceful-timeout is replaced
 * surge-first, with the reason in the master's log and the request's stack in the
 * worker's, while other requests are served throughout.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiJvmRequestDeadlineIT {

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	private MasterProcess master;

	@Test
	void aWorkerWithARequestStuckPastBothTimeoutsIsReplacedSurgeFirstAndOtherRequestsAreServed() throws Exception {
		this.master = this.masters.start(Balancer.PROXY, 1, "--concurrency.request-timeout=1s",
				"--concurrency.multi-jvm.graceful-timeout=2s");
		this.master.awaitReady(1);
		long stuck = this.master.readyPids().get(0);
		try (HttpClient client = HttpClient.newHttpClient()) {
			// A POST, which the proxy does not retry on the next worker when this one is
			// killed under it.
			CompletableFuture<HttpResponse<String>> stubborn = client.sendAsync(
					request("/ignore-interrupt?s=60").POST(HttpRequest.BodyPublishers.noBody()).build(),
					HttpResponse.BodyHandlers.ofString());
			List<Integer> others = new ArrayList<>();
			long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
			while ((MasterProcess.running(stuck) || this.master.readyPids().size() < 2)
					&& System.nanoTime() < deadline) {
				others.add(client.send(request("/hello").build(), HttpResponse.BodyHandlers.ofString()).statusCode());
				Thread.sleep(100);
			}
			assertThat(MasterProcess.running(stuck)).isFalse();
			assertThat(others).isNotEmpty().containsOnly(200);
			await().atMost(Duration.ofSeconds(10)).until(stubborn::isDone);
		}
		this.master.awaitReady(2);
		long successor = this.master.readyPids().get(1);
		assertThat(MasterProcess.running(successor)).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.master.output().contains("has a request stuck for"));
		String output = this.master.output();
		assertThat(output).contains("POST /ignore-interrupt ran past concurrency.request-timeout (1s)")
			.contains("(request-timeout 1s + graceful-timeout 2s): replacing it (request-stuck)");
		// Surge-first: the successor was ready before the stuck worker left the balancer.
		List<String> lines = output.lines().toList();
		int successorReady = indexOf(lines, "(pid " + successor + ",", "is ready after");
		int stuckLeft = indexOf(lines, "(pid " + stuck + ",", "left the balancer");
		assertThat(successorReady).isNotNegative().isLessThan(stuckLeft);
	}

	private static int indexOf(List<String> lines, String first, String second) {
		for (int i = 0; i < lines.size(); i++) {
			if (lines.get(i).contains(first) && lines.get(i).contains(second)) {
				return i;
			}
		}
		return -1;
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.master.port() + path))
			.timeout(Duration.ofSeconds(90));
	}

}
