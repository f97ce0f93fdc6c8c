package io.github.bootconcurrency.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.ServerConcurrencyContractTests.ContractApplication;
import io.github.bootconcurrency.autoconfigure.ServerConcurrencyContractTests.Probe;
import io.github.bootconcurrency.autoconfigure.ServerConcurrencyContractTests.Server;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import org.apache.coyote.AbstractProtocol;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health probes under load, on a real server with real HTTP: a probe answers while every
 * slot of the gate is taken, the gate does not count it, and nothing else gets past the
 * gate by looking like a probe.
 *
 * <p>
 * Requests are written byte for byte on a socket, so that the server sees exactly the
 * path under test (an HTTP client may normalize dot segments away).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HealthProbeGateTests {

	private static final int LIMIT = 2;

	/**
	 * How long a probe may take while the gate is full: a third of the queue timeout it
	 * would wait out if the gate held it, so that the bound tells the two apart even on a
	 * loaded machine. How fast a probe answers is a benchmark figure, not this test's.
	 */
	private static final Duration PROBE_DEADLINE = Duration.ofSeconds(10);

	private static final Duration QUEUE_TIMEOUT = PROBE_DEADLINE.multipliedBy(3);

	private static final List<String> PROBES = List.of("/actuator/health/liveness", "/actuator/health/readiness",
			"/livez", "/readyz");

	private static final String GATE_REJECTION = "Too many requests in flight";

	private final ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();

	private final Map<String, WebServer> webServers = new ConcurrentHashMap<>();

	private ConfigurableApplicationContext context;

	static Stream<Arguments> serversAndContextPaths() {
		List<Arguments> arguments = new ArrayList<>();
		for (String contextPath : List.of("", "/app")) {
			for (Server server : Server.values()) {
				arguments.add(Arguments.of(server, contextPath));
			}
		}
		return arguments.stream();
	}

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.getBean(Probe.class).release();
			this.context.close();
		}
		this.clients.shutdownNow();
	}

	@ParameterizedTest(name = "{0}, context path ''{1}''")
	@MethodSource("serversAndContextPaths")
	void livenessAndReadinessAnswerUpWhileTheGateIsFullWithoutWaitingForASlotAndAreNotCounted(Server server,
			String contextPath) throws Exception {
		start(server, ConcurrencyModel.VIRTUAL, "server.servlet.context-path=" + contextPath,
				"concurrency.virtual.queue-timeout=" + QUEUE_TIMEOUT.toSeconds() + "s");
		int port = port("local.server.port");
		RequestGate gate = fillTheGate(port, contextPath, 1);
		GateCounts before = GateCounts.of(gate);
		for (String probe : PROBES) {
			// Readiness too: the starter does not take a busy instance out of the load
			// balancer.
			assertUpWithinTheDeadline(port, contextPath + probe);
		}
		assertThat(GateCounts.of(gate)).isEqualTo(before);
		assertThat(this.context.getBean(Probe.class).current()).isEqualTo(LIMIT);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(Server.class)
	void onlyTheExactProbePathsGetPastTheFullGate(Server server) throws Exception {
		Duration queueTimeout = Duration.ofMillis(1000);
		start(server, ConcurrencyModel.VIRTUAL, "server.servlet.context-path=/app",
				"concurrency.virtual.queue-timeout=" + queueTimeout.toMillis() + "ms");
		int port = port("local.server.port");
		RequestGate gate = fillTheGate(port, "/app", 0);
		// An ordinary request, then paths that the server resolves to /thread, or to a
		// probe by another spelling: each would get past the gate if it matched on a
		// prefix, or on a normalized or decoded path. Each must wait out the queue
		// timeout and get the gate's 503.
		List<String> paths = List.of("/app/thread", "/app/actuator/health/liveness/../../../thread",
				"/app/livez/../thread", "/app/actuator/health/liveness;x=1/../../../thread",
				"/app/actuator/health/liveness;x=1", "/app/actuator/health/%6civeness",
				"/app/actuator/health/liveness/", "/app/actuator/health/./liveness", "/app/./actuator/health/liveness",
				"/app;x=1/actuator/health/liveness", "/ap%70/actuator/health/liveness");
		long start = System.nanoTime();
		Map<String, CompletableFuture<Response>> responses = new LinkedHashMap<>();
		for (String path : paths) {
			responses.put(path, getAsync(port, path));
		}
		for (Map.Entry<String, CompletableFuture<Response>> entry : responses.entrySet()) {
			Response response = entry.getValue().get(20, TimeUnit.SECONDS);
			assertThat(response.status()).as(entry.getKey()).isEqualTo(503);
			assertThat(response.body()).as(entry.getKey()).contains(GATE_REJECTION);
		}
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(queueTimeout.minusMillis(100));
		assertThat(gate.getRejected()).isEqualTo(paths.size());
		Probe probe = this.context.getBean(Probe.class);
		assertThat(probe.peak()).isEqualTo(LIMIT);
		assertThat(probe.handled()).isZero();
		assertThat(get(port, "/app/actuator/health/liveness").status()).isEqualTo(200);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(Server.class)
	void probesOnTheManagementPortAnswerWhileEveryServerThreadIsBusy(Server server) throws Exception {
		start(server, ConcurrencyModel.PLATFORM, "management.server.port=0", "management.server.address=127.0.0.1");
		int port = port("local.server.port");
		int managementPort = port("local.management.port");
		assertThat(managementPort).isNotEqualTo(port);
		// The additional paths stay on the application's port, behind its busy pool.
		assertThat(get(port, "/livez").status()).isEqualTo(200);
		assertThat(get(managementPort, "/livez").status()).isEqualTo(404);
		RequestGate gate = fillTheGate(port, "", 1);
		GateCounts before = GateCounts.of(gate);
		for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
			assertUpWithinTheDeadline(managementPort, probe);
		}
		// The gate still reads the application server's queue (waiting = 1), and the
		// management server keeps its own default pool: the starter left it alone.
		assertThat(GateCounts.of(gate)).isEqualTo(before);
		assertThat(this.context.getBean(Probe.class).current()).isEqualTo(LIMIT);
		assertThat(maxThreads(this.webServers.get("management"))).isEqualTo(200);
	}

	private void assertUpWithinTheDeadline(int port, String path) throws Exception {
		long start = System.nanoTime();
		Response response = getAsync(port, path).get(PROBE_DEADLINE.toMillis() * 2, TimeUnit.MILLISECONDS);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(response.status()).as(path).isEqualTo(200);
		assertThat(response.body()).as(path).contains("\"status\":\"UP\"");
		assertThat(took).as(path).isLessThan(PROBE_DEADLINE);
	}

	/**
	 * Take every slot of the gate with requests that block until released, and queue
	 * {@code waiting} more behind them.
	 */
	private RequestGate fillTheGate(int port, String contextPath, int waiting) {
		Probe probe = this.context.getBean(Probe.class);
		RequestGate gate = this.context.getBean(RequestGate.class);
		for (int i = 0; i < LIMIT + waiting; i++) {
			getAsync(port, contextPath + "/block");
		}
		await().atMost(Duration.ofSeconds(10))
			.until(() -> probe.current() == LIMIT && gate.getWaiting() == waiting && gate.getInFlight() == LIMIT);
		return gate;
	}

	private void start(Server server, ConcurrencyModel model, String... properties) {
		this.context = new SpringApplicationBuilder(ContractApplication.class)
			.listeners((ApplicationListener<WebServerInitializedEvent>) (event) -> this.webServers.put(
					Objects.toString(event.getApplicationContext().getServerNamespace(), "server"),
					event.getWebServer()))
			.properties("server.port=0", "server.address=127.0.0.1",
					"spring.autoconfigure.exclude=" + server.other().autoConfiguration(),
					"concurrency.model=" + model.value(), "concurrency.platform.max-threads=" + LIMIT,
					"concurrency.platform.min-threads=1", "concurrency.virtual.max-concurrent-requests=" + LIMIT,
					"management.endpoint.health.probes.add-additional-paths=true")
			.properties(properties)
			.run();
	}

	private static int maxThreads(WebServer webServer) {
		if (webServer instanceof TomcatWebServer tomcat) {
			return ((AbstractProtocol<?>) tomcat.getTomcat().getConnector().getProtocolHandler()).getMaxThreads();
		}
		return ((QueuedThreadPool) ((JettyWebServer) webServer).getServer().getThreadPool()).getMaxThreads();
	}

	private int port(String property) {
		return Integer.parseInt(this.context.getEnvironment().getProperty(property));
	}

	private Response get(int port, String path) throws Exception {
		return getAsync(port, path).get(20, TimeUnit.SECONDS);
	}

	private CompletableFuture<Response> getAsync(int port, String path) {
		return CompletableFuture.supplyAsync(() -> send(port, path), this.clients);
	}

	private static Response send(int port, String path) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
			socket.setSoTimeout(20_000);
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
			int status = Integer.parseInt(response.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
			return new Response(status, response.substring(response.indexOf("\r\n\r\n") + 4));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private record Response(int status, String body) {

	}

	private record GateCounts(int inFlight, int peakInFlight, int waiting, long completed, long rejected) {

		static GateCounts of(RequestGate gate) {
			return new GateCounts(gate.getInFlight(), gate.getPeakInFlight(), gate.getWaiting(), gate.getCompleted(),
					gate.getRejected());
		}

	}

}
