package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.EachBalancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Handover;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import io.github.bootconcurrency.autoconfigure.testsupport.Traffic;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request deadline under multi-jvm, with real JVMs and both balancers: a worker whose
 * request ignores the interrupt and runs past request-timeout plus graceful-timeout is
 * replaced surge-first, with the reason in the master's log and the request's stack in
 * the worker's, while other requests, each on a connection of its own, are served
 * throughout; the stuck request itself ends when its worker goes.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiJvmRequestDeadlineIT {

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	@EachBalancer
	void aWorkerWithARequestStuckPastBothTimeoutsIsReplacedSurgeFirstAndOtherRequestsAreServed(Balancer balancer)
			throws Exception {
		MasterProcess master = this.masters.start(balancer, 1, "--concurrency.request-timeout=1s",
				"--concurrency.multi-jvm.graceful-timeout=5s");
		master.awaitReady(1);
		long stuck = master.readyPids().get(0);
		Traffic traffic = Traffic.start(master.port(), "/where", 2, Traffic.Connections.NEW, Duration.ofMinutes(4));
		traffic.awaitOk(5, Duration.ofSeconds(60));
		CompletableFuture<String> stubborn;
		try (HttpClient client = HttpClient.newHttpClient()) {
			// A POST, which the proxy does not send again to the next worker when this
			// one
			// goes under it; it would run for a minute, far past both timeouts.
			stubborn = client
				.sendAsync(HttpRequest
					.newBuilder(URI.create("http://127.0.0.1:" + master.port() + "/ignore-interrupt?s=60"))
					.timeout(Duration.ofSeconds(90))
					.POST(HttpRequest.BodyPublishers.noBody())
					.build(), HttpResponse.BodyHandlers.ofString())
				.handle((response, failure) -> (response != null) ? "status " + response.statusCode()
						: rootCause(failure).getClass().getSimpleName());
			master.lines()
				.await("(request-timeout 1s + graceful-timeout 5s): replacing it (request-stuck)",
						Duration.ofSeconds(60));
			master.awaitReady(2);
			master.lines()
				.await(Pattern.compile("worker \\d+ \\(pid " + stuck + ", .*\\) stopped with status"), 1,
						Duration.ofSeconds(60));
			traffic.awaitOk(traffic.ok() + 10, Duration.ofSeconds(60));
			List<Traffic.Exchange> exchanges = traffic.stop();
			long successor = master.readyPids().get(1);
			Handover.assertSurgeFirst(master, balancer, exchanges, stuck, successor);
			// Its worker goes without answering: the proxy does not send a POST again and
			// answers 503; a client of the worker itself sees the connection end.
			assertThat(stubborn.get(30, TimeUnit.SECONDS)).as("what the client of the stuck request got")
				.isEqualTo((balancer == Balancer.PROXY) ? "status 503" : "EOFException");
		}
		assertThat(master.output()).contains("POST /ignore-interrupt ran past concurrency.request-timeout (1s)")
			.containsPattern("worker \\d+ \\(pid " + stuck + ", .*\\) has a request stuck for");
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

}
