package io.github.bootconcurrency.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.ServerConcurrencyContractTests.ContractApplication;
import io.github.bootconcurrency.autoconfigure.ServerConcurrencyContractTests.Probe;
import io.github.bootconcurrency.autoconfigure.ServerConcurrencyContractTests.Server;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Under the virtual model's defaults, many more IO-bound requests than any platform pool
 * holds are all in flight at once, on Tomcat and on Jetty: no server default (Tomcat's
 * 200 threads, Jetty's 200 virtual tasks) caps them behind the starter's back. The full
 * 10,000-request run is a benchmark, not a unit test.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class VirtualModelScaleTests {

	private static final int REQUESTS = 1000;

	private ConfigurableApplicationContext context;

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.getBean(Probe.class).release();
			this.context.close();
		}
	}

	@ParameterizedTest
	@EnumSource(Server.class)
	void thousandBlockedRequestsAreAllInFlightAtOnceWithTheDefaults(Server server) throws Exception {
		this.context = new SpringApplicationBuilder(ContractApplication.class)
			.properties("server.port=0", "spring.autoconfigure.exclude=" + server.other().autoConfiguration(),
					"concurrency.model=virtual")
			.run();
		String port = this.context.getEnvironment().getProperty("local.server.port");
		Probe probe = this.context.getBean(Probe.class);
		List<CompletableFuture<HttpResponse<Void>>> responses = new ArrayList<>();
		try (HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(20))
			.executor(Executors.newVirtualThreadPerTaskExecutor())
			.build()) {
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/block"))
				.timeout(Duration.ofSeconds(60))
				.build();
			for (int i = 0; i < REQUESTS; i++) {
				responses.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding()));
			}
			await().atMost(Duration.ofSeconds(45)).until(() -> probe.current() == REQUESTS);
			probe.release();
			for (CompletableFuture<HttpResponse<Void>> response : responses) {
				assertThat(response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
			}
		}
		RequestGate gate = this.context.getBean(RequestGate.class);
		assertThat(gate.getPeakInFlight()).isEqualTo(REQUESTS);
		assertThat(gate.getRejected()).isZero();
	}

}
