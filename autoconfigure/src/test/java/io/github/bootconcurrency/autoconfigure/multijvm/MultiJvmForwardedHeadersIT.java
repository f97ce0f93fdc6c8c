package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Forwarding headers on every server and balancer, with real JVMs: what a client sends
 * never changes the client, scheme or host that the application sees, and never reaches
 * it; what an address in {@code forwarded-allow-ips} sends does. The test trusts
 * 127.0.0.2, a loopback address of its own: requests sent from it come from a trusted
 * upstream, those sent from 127.0.0.1 from a client. One master per server and balancer.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiJvmForwardedHeadersIT {

	private static final String TOMCAT = "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration";

	private static final String JETTY = "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration";

	/**
	 * What clients send to pass for someone else, one way per request: each alone made a
	 * worker of one server or the other trust it before the fix.
	 */
	private static final List<Map<String, String>> HOSTILE = List
		.of(Map.of("Forwarded", "for=203.0.113.9;proto=https;host=evil.example"),
				Map.of("X-Forwarded-For", "203.0.113.9", "X-Forwarded-Proto", "https", "X-Forwarded-Port", "8443"),
				Map.of("X-Forwarded-Host", "evil.example"), Map.of("X-Proxied-Https", "on"),
				Map.of("X-Real-IP", "203.0.113.9", "Front-End-Https", "on", "X-Forwarded-Ssl", "on"),
				Map.of("Proxy-Auth-Cert", "forged", "Proxy-Ssl-Id", "forged"),
				Map.of("Forwarded", "for=203.0.113.9;proto=https;host=evil.example", "X-Forwarded-For", "203.0.113.9",
						"X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https", "X-Forwarded-Prefix",
						"/evil"));

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
	void clientsCannotForgeForwardingHeadersWhileTrustedUpstreamsForwardTheRealClientAndScheme(String server,
			Balancer balancer) throws Exception {
		String otherServer = server.equals("Tomcat") ? JETTY : TOMCAT;
		this.master = this.masters.start(balancer, 1, "--concurrency.multi-jvm.forwarded-allow-ips=127.0.0.2",
				"--spring.autoconfigure.exclude=" + otherServer);
		this.master.awaitReady(1);
		SoftAssertions softly = new SoftAssertions();
		for (Map<String, String> headers : HOSTILE) {
			JsonNode seen = send("127.0.0.1", headers);
			softly.assertThat(seen.get("remoteAddr").asString()).as("client of %s", headers).isEqualTo("127.0.0.1");
			softly.assertThat(seen.get("secure").asBoolean()).as("secure with %s", headers).isFalse();
			softly.assertThat(seen.get("scheme").asString()).as("scheme with %s", headers).isEqualTo("http");
			softly.assertThat(seen.get("serverName").asString()).as("host with %s", headers).isEqualTo("127.0.0.1");
			softly.assertThat(seen.get("serverPort").asInt()).as("port with %s", headers).isEqualTo(this.master.port());
			softly.assertThat(seen.get("leaked").toString()).as("headers passed on with %s", headers).isEqualTo("[]");
		}
		// A load balancer that ends TLS and appends to what its client sent: the client
		// is the address it appended, not the one the client made up.
		JsonNode fromUpstream = send("127.0.0.2", Map.of("X-Forwarded-For", "203.0.113.66, 198.51.100.7",
				"X-Forwarded-Proto", "https", "X-Forwarded-Host", "app.example", "X-Real-IP", "203.0.113.66"));
		assertTrusted(softly, fromUpstream, "198.51.100.7");
		JsonNode rfc7239 = send("127.0.0.2", Map.of("Forwarded", "for=198.51.100.8;proto=https;host=app.example"));
		assertTrusted(softly, rfc7239, "198.51.100.8");
		softly.assertAll();
	}

	private void assertTrusted(SoftAssertions softly, JsonNode seen, String client) {
		softly.assertThat(seen.get("remoteAddr").asString()).as("client via upstream").isEqualTo(client);
		softly.assertThat(seen.get("secure").asBoolean()).as("secure via upstream").isTrue();
		softly.assertThat(seen.get("scheme").asString()).as("scheme via upstream").isEqualTo("https");
		softly.assertThat(seen.get("serverName").asString()).as("host via upstream").isEqualTo("app.example");
		softly.assertThat(seen.get("serverPort").asInt()).as("port via upstream").isEqualTo(443);
		softly.assertThat(seen.get("leaked").toString()).as("headers passed on via upstream").isEqualTo("[]");
	}

	/**
	 * GET /request from a local address of the caller's choosing, with headers.
	 */
	private JsonNode send(String from, Map<String, String> headers) throws Exception {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.master.port() + "/request"))
			.timeout(Duration.ofSeconds(10));
		headers.forEach(request::header);
		try (HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.localAddress(InetAddress.getByName(from))
			.connectTimeout(Duration.ofSeconds(5))
			.build()) {
			HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			return this.json.readTree(response.body());
		}
	}

}
