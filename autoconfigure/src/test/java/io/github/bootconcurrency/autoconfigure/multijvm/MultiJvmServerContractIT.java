package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The multi-jvm contract on every server and balancer, with real JVMs: two workers of the
 * chosen server both serve behind the master's port, a reload replaces both, and SIGTERM
 * stops everything with status 0. The test application runs with one server's
 * auto-configuration excluded, so its workers run the other.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiJvmServerContractIT {

	private static final String TOMCAT = "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration";

	private static final String JETTY = "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration";

	private final JsonMapper json = JsonMapper.builder().build();

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	private MasterProcess master;

	static Stream<Arguments> serversAndBalancers() {
		List<Arguments> cases = new ArrayList<>();
		for (String server : List.of("Tomcat", "Jetty")) {
			for (Balancer balancer : List.of(Balancer.PROXY, Balancer.SHARED_SOCKET)) {
				cases.add(Arguments.of(server, balancer));
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} behind {1}")
	@MethodSource("serversAndBalancers")
	void twoWorkersServeAreReplacedOnReloadAndStopOnSigterm(String server, Balancer balancer) throws Exception {
		String otherServer = server.equals("Tomcat") ? JETTY : TOMCAT;
		this.master = this.masters.start(balancer, 2, "--spring.autoconfigure.exclude=" + otherServer);
		this.master.awaitReady(2);
		List<Long> first = this.master.livePids();
		assertThat(servingWorkers(server)).containsExactlyInAnyOrderElementsOf(first);
		this.master.signal("HUP");
		this.master.awaitReady(4);
		for (long old : first) {
			this.master.lines()
				.await(Pattern.compile("worker \\d+ \\(pid " + old + ", .*\\) stopped with status"), 1,
						Duration.ofSeconds(60));
		}
		List<Long> second = this.master.readyPids().subList(2, 4);
		assertThat(this.master.livePids()).containsExactlyInAnyOrderElementsOf(second);
		assertThat(second).doesNotContainAnyElementsOf(first);
		assertThat(servingWorkers(server)).containsExactlyInAnyOrderElementsOf(second);
		this.master.signal("TERM");
		assertThat(this.master.awaitExit(Duration.ofSeconds(60))).as("the master's exit status").isZero();
	}

	/**
	 * GET /where on fresh connections until two workers have answered (bounded), checking
	 * that each answer came from the expected server.
	 */
	private Set<Long> servingWorkers(String server) throws Exception {
		Set<Long> pids = new HashSet<>();
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		for (int i = 0; i < 300 && pids.size() < 2 && System.nanoTime() < deadline; i++) {
			HttpRequest request = HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + this.master.port() + "/where"))
				.timeout(Duration.ofSeconds(10))
				.build();
			// A client of its own per request: a new connection, which the kernel may
			// hand to either worker under shared-socket. Its first request offers an h2c
			// upgrade, as java.net.http does by default, which every server must survive.
			try (HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
				HttpResponse<String> response = fresh.send(request, HttpResponse.BodyHandlers.ofString());
				assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
				JsonNode where = this.json.readTree(response.body());
				assertThat(where.get("server").asString()).startsWith(server);
				pids.add(where.get("pid").asLong());
			}
		}
		return pids;
	}

}
