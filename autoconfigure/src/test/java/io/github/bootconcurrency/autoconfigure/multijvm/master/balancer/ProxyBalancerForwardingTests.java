package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import io.github.bootconcurrency.autoconfigure.multijvm.ForwardedAllowIps;
import io.github.bootconcurrency.autoconfigure.multijvm.ForwardingSecret;
import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmTestApplication;
import io.github.bootconcurrency.autoconfigure.multijvm.UpstreamHeaders;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.ListenerLimits;
import io.github.bootconcurrency.autoconfigure.multijvm.master.loop.FakeWorkers;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.TestWorkers;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Worker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the forwarding headers that {@link ProxyBalancer} passes to a worker, with a
 * real backend on loopback standing in for it: every header of
 * {@link MultiJvmTestApplication#FORWARDING_HEADERS} is sent at once, and the backend
 * reports every one of them it got, so that a header the proxy forgets to drop shows up
 * here in milliseconds rather than in the real JVMs' test. The proxy trusts 127.0.0.2, to
 * set the headers each test names.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ProxyBalancerForwardingTests {

	private static final ForwardingSecret SECRET = ForwardingSecret.generate();

	private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();

	private final List<List<String>> secrets = new CopyOnWriteArrayList<>();

	private HttpServer backend;

	private ProxyBalancer proxy;

	private void start(UpstreamHeaders upstreamHeaders) throws IOException {
		this.backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		this.backend.createContext("/", (exchange) -> {
			Map<String, String> forwarding = new TreeMap<>();
			for (String name : MultiJvmTestApplication.FORWARDING_HEADERS) {
				List<String> values = exchange.getRequestHeaders().get(name);
				if (values != null) {
					forwarding.put(name, String.join(", ", values));
				}
			}
			this.received.add(forwarding);
			this.secrets.add(exchange.getRequestHeaders().getOrDefault(ForwardingSecret.HEADER, List.of()));
			byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.backend.start();
		Duration keepAlive = Duration.ofSeconds(20);
		this.proxy = new ProxyBalancer("127.0.0.1", 0, 128, 200, keepAlive, Duration.ofSeconds(30),
				ListenerLimits.defaults(keepAlive),
				new ForwardedHeaders(ForwardedAllowIps.of(List.of("127.0.0.2")), upstreamHeaders, SECRET), 2,
				WaitingRoom.MAX_HELD, System.out);
		this.proxy.start();
		Worker worker = TestWorkers.worker(1, 0, 0, 0, "token", 0, new FakeWorkers.Process(1, 1), Instant.now());
		TestWorkers.ready(worker, Instant.now(), this.backend.getAddress().getPort());
		this.proxy.add(worker);
	}

	@AfterEach
	void stop() {
		if (this.proxy != null) {
			this.proxy.stop();
		}
		if (this.backend != null) {
			this.backend.stop(0);
		}
	}

	@Test
	void aClientsForwardingHeadersAreAllReplacedByWhatTheProxySawOfIt() throws Exception {
		start(UpstreamHeaders.defaults());
		send("127.0.0.1", everyHeader("for=203.0.113.9;proto=https;host=evil.example"));
		assertThat(this.received).containsExactly(
				Map.of("X-Forwarded-For", "127.0.0.1", "X-Forwarded-Proto", "http", "X-Forwarded-Host", "127.0.0.1",
						"X-Forwarded-Port", Integer.toString(this.proxy.port()), "X-Forwarded-Server", "127.0.0.1"));
	}

	@Test
	void aTrustedUpstreamThatOnlyAppendsXForwardedForPassesOnNothingElseItsClientSent() throws Exception {
		start(UpstreamHeaders.defaults());
		send("127.0.0.2", Map.of("Forwarded", "for=10.0.0.1;proto=https;host=evil.example", "X-Forwarded-Host",
				"evil.example", "X-Forwarded-Port", "8443", "X-Forwarded-For", "203.0.113.66, 198.51.100.7"));
		send("127.0.0.2", Map.of("X-Forwarded-For", "198.51.100.7", "X-Forwarded-Proto", "https", "X-Forwarded-Host",
				"evil.example"));
		String port = Integer.toString(this.proxy.port());
		assertThat(this.received).containsExactly(
				Map.of("X-Forwarded-For", "198.51.100.7", "X-Forwarded-Proto", "http", "X-Forwarded-Host", "127.0.0.1",
						"X-Forwarded-Port", port, "X-Forwarded-Server", "127.0.0.1"),
				// A scheme without a port: the scheme's own, not the master's.
				Map.of("X-Forwarded-For", "198.51.100.7", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "127.0.0.1",
						"X-Forwarded-Port", "443", "X-Forwarded-Server", "127.0.0.1"));
	}

	@Test
	void everyRequestCarriesTheMastersSecretAndNoneThatAClientSent() throws Exception {
		start(UpstreamHeaders.defaults());
		send("127.0.0.1", Map.of(ForwardingSecret.HEADER, "guessed"));
		send("127.0.0.2", Map.of("X-Forwarded-For", "198.51.100.7"));
		assertThat(this.secrets).containsExactly(List.of(SECRET.value()), List.of(SECRET.value()));
	}

	@Test
	void aTrustedUpstreamsForwardingHeadersBecomeOneCleanSetThatItsForwardedDecides() throws Exception {
		start(UpstreamHeaders.of(List.of("forwarded")));
		send("127.0.0.2", everyHeader("for=198.51.100.9;proto=https;host=app.example"));
		assertThat(this.received)
			.containsExactly(Map.of("X-Forwarded-For", "198.51.100.9", "X-Forwarded-Proto", "https", "X-Forwarded-Host",
					"app.example", "X-Forwarded-Port", "443", "X-Forwarded-Server", "app.example"));
	}

	/**
	 * Every forwarding header, with a made-up value, and a {@code Forwarded} of the
	 * caller's choosing.
	 */
	private static Map<String, String> everyHeader(String forwarded) {
		Map<String, String> headers = new TreeMap<>();
		for (String name : MultiJvmTestApplication.FORWARDING_HEADERS) {
			headers.put(name, "forged-" + name.toLowerCase());
		}
		headers.put("Forwarded", forwarded);
		return headers;
	}

	private void send(String from, Map<String, String> headers) throws Exception {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.proxy.port() + "/request"))
			.timeout(Duration.ofSeconds(20));
		headers.forEach(request::header);
		try (HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.localAddress(InetAddress.getByName(from))
			.connectTimeout(Duration.ofSeconds(5))
			.build()) {
			HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		}
	}

}
