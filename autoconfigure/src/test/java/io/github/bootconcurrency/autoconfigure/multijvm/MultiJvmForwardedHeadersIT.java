package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Forwarding headers on every server and balancer, with real JVMs: what a client sends
 * never changes the client, scheme or host that the application sees, and never reaches
 * it; what an address in {@code forwarded-allow-ips} sends does, as one clean set, but
 * only the headers that {@code forwarded-headers} says it sets, so that what its own
 * client sent through it changes nothing. Behind the proxy, a worker honours forwarding
 * headers from its master only, even from a local process that connects to its port. The
 * test trusts 127.0.0.2, a loopback address of its own: requests sent from it come from a
 * trusted upstream, those sent from 127.0.0.1 from a client. One master per server and
 * balancer and setting.
 *
 * <p>
 * Every header of {@link MultiJvmTestApplication#FORWARDING_HEADERS} is sent, and the
 * application reports every one of them it sees, so that a header the main code forgets
 * to drop shows up as a value the client made up.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiJvmForwardedHeadersIT {

	private static final String TOMCAT = "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration";

	private static final String JETTY = "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration";

	/**
	 * A made-up value for every forwarding header at once: each names someone else.
	 */
	private static final Map<String, String> EVERY_HEADER = everyHeader(
			"for=203.0.113.9;proto=https;host=evil.example");

	/**
	 * What clients send to pass for someone else: every header at once, then one way per
	 * request, each of which alone made a worker of one server or the other trust it
	 * before the fix.
	 */
	private static final List<Map<String, String>> HOSTILE = List.of(EVERY_HEADER,
			Map.of("Forwarded", "for=203.0.113.9;proto=https;host=evil.example"),
			Map.of("X-Forwarded-For", "203.0.113.9", "X-Forwarded-Proto", "https", "X-Forwarded-Port", "8443"),
			Map.of("X-Forwarded-Host", "evil.example"), Map.of("X-Proxied-Https", "on"),
			Map.of("X-Real-IP", "203.0.113.9", "Front-End-Https", "on", "X-Forwarded-Ssl", "on"),
			Map.of("Proxy-Auth-Cert", "forged", "Proxy-Ssl-Id", "forged"),
			Map.of("X-Forwarded-Server", "evil.example", "X-Forwarded-Protocol", "https", "X-Forwarded-Scheme", "https",
					"X-Url-Scheme", "https", "X-Client-IP", "203.0.113.9", "True-Client-IP", "203.0.113.9"),
			Map.of("Forwarded", "for=203.0.113.9;proto=https;host=evil.example", "X-Forwarded-For", "203.0.113.9",
					"X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https", "X-Forwarded-Prefix", "/evil"));

	/**
	 * The header with which the master's proxy proves itself to a worker.
	 */
	private static final String SECRET_HEADER = "X-Concurrency-Master-Secret";

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
	void clientsCannotForgeForwardingHeadersNorPassThemThroughABalancerThatOnlyAppendsXForwardedFor(String server,
			Balancer balancer) throws Exception {
		assertThat(EVERY_HEADER.keySet()).as("the headers sent at once")
			.containsExactlyInAnyOrderElementsOf(MultiJvmTestApplication.FORWARDING_HEADERS);
		start(server, balancer);
		SoftAssertions softly = new SoftAssertions();
		Map<String, String> fromClient = Forwarded.fromClient(server, balancer, this.master.port());
		for (Map<String, String> headers : HOSTILE) {
			JsonNode seen = send("127.0.0.1", headers);
			softly.assertThat(seen.get("remoteAddr").asString()).as("client of %s", headers).isEqualTo("127.0.0.1");
			softly.assertThat(seen.get("secure").asBoolean()).as("secure with %s", headers).isFalse();
			softly.assertThat(seen.get("scheme").asString()).as("scheme with %s", headers).isEqualTo("http");
			softly.assertThat(seen.get("serverName").asString()).as("host with %s", headers).isEqualTo("127.0.0.1");
			softly.assertThat(seen.get("serverPort").asInt()).as("port with %s", headers).isEqualTo(this.master.port());
			softly.assertThat(forwarding(seen))
				.as("forwarding headers the application saw with %s", headers)
				.isEqualTo(fromClient);
		}
		// A balancer that appends to X-Forwarded-For and passes on untouched whatever
		// else its client sent, as nginx, HAProxy and cloud balancers do: by default only
		// the X-Forwarded-For and -Proto it sets are read, and the client's Forwarded,
		// X-Forwarded-Host and -Port change nothing.
		Map<String, String> appendsFor = Map.of("Forwarded", "for=10.0.0.1;proto=https;host=evil.example",
				"X-Forwarded-Host", "evil.example", "X-Forwarded-Port", "8443", "X-Forwarded-For",
				"203.0.113.66, 198.51.100.7");
		assertSeen(softly, send("127.0.0.2", appendsFor), "198.51.100.7", "http", "127.0.0.1", this.master.port());
		Map<String, String> endsTls = new LinkedHashMap<>(appendsFor);
		endsTls.put("X-Forwarded-Proto", "https");
		assertSeen(softly, send("127.0.0.2", endsTls), "198.51.100.7", "https", "127.0.0.1", 443);
		softly.assertAll();
	}

	@ParameterizedTest(name = "{0} behind {1}")
	@MethodSource("serversAndBalancers")
	void aBalancerThatSetsForwardedIsReadByItsForwardedAlone(String server, Balancer balancer) throws Exception {
		start(server, balancer, "--concurrency.multi-jvm.forwarded-headers=forwarded");
		SoftAssertions softly = new SoftAssertions();
		assertSeen(softly, send("127.0.0.1", EVERY_HEADER), "127.0.0.1", "http", "127.0.0.1", this.master.port());
		// Every header at once from the upstream: its Forwarded decides, and none of the
		// others reaches the application.
		JsonNode everything = send("127.0.0.2", everyHeader("for=198.51.100.9;proto=https;host=app.example"));
		assertTrusted(softly, everything, server, balancer, "198.51.100.9");
		// The balancer appended an element of its own to what its client sent: the
		// client's proto and host, in an element of its own, change nothing, and the
		// X-Forwarded-* headers the client sent are not read.
		JsonNode appended = send("127.0.0.2",
				Map.of("Forwarded", "for=10.0.0.1;proto=https;host=evil.example, for=198.51.100.8", "X-Forwarded-For",
						"203.0.113.9", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "evil.example"));
		assertSeen(softly, appended, "198.51.100.8", "http", "127.0.0.1", this.master.port());
		softly.assertAll();
	}

	@ParameterizedTest(name = "{0} behind {1}")
	@MethodSource("serversAndBalancers")
	void aBalancerThatSetsEveryXForwardedHeaderIsReadByThemAlone(String server, Balancer balancer) throws Exception {
		start(server, balancer, "--concurrency.multi-jvm.forwarded-headers="
				+ "x-forwarded-for,x-forwarded-proto,x-forwarded-host,x-forwarded-port");
		SoftAssertions softly = new SoftAssertions();
		assertSeen(softly, send("127.0.0.1", EVERY_HEADER), "127.0.0.1", "http", "127.0.0.1", this.master.port());
		// A load balancer that ends TLS and appends to what its client sent: the client
		// is the address it appended, not the one the client made up, and the client's
		// Forwarded is not read.
		JsonNode fromUpstream = send("127.0.0.2",
				Map.of("Forwarded", "for=10.0.0.1;proto=http;host=evil.example", "X-Forwarded-For",
						"203.0.113.66, 198.51.100.7", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "app.example",
						"X-Real-IP", "203.0.113.66"));
		assertTrusted(softly, fromUpstream, server, balancer, "198.51.100.7");
		JsonNode withPort = send("127.0.0.2", Map.of("X-Forwarded-For", "198.51.100.7", "X-Forwarded-Proto", "https",
				"X-Forwarded-Host", "app.example", "X-Forwarded-Port", "8444"));
		assertSeen(softly, withPort, "198.51.100.7", "https", "app.example", 8444);
		softly.assertAll();
	}

	/**
	 * A worker's port is no way round the master: it shows in the cluster view, and any
	 * local process can connect to it. Only the master's proxy, which proves itself with
	 * a secret the worker got in private, sets the forwarding headers a worker honours.
	 */
	@ParameterizedTest(name = "{0} behind proxy")
	@ValueSource(strings = { "Tomcat", "Jetty" })
	void onlyTheMasterSetsForwardingHeadersAtAWorker(String server) throws Exception {
		start(server, Balancer.PROXY, "--management.endpoints.web.exposure.include=env,concurrency",
				"--management.endpoint.env.show-values=always");
		SoftAssertions softly = new SoftAssertions();
		long workerPid = this.master.readyPids().get(0);
		Set<Integer> workerPorts = MasterProcess.listeningPorts(workerPid);
		assertThat(workerPorts).as("the worker's ports").hasSize(1);
		int workerPort = workerPorts.iterator().next();
		Map<String, String> forged = Map.of("X-Forwarded-For", "203.0.113.9", "X-Forwarded-Proto", "https",
				"X-Forwarded-Host", "evil.example", "X-Forwarded-Port", "8443");
		assertSeen(softly, sendTo(workerPort, "127.0.0.1", "/request", forged), "127.0.0.1", "http", "127.0.0.1",
				workerPort);
		String secret = sendTo(workerPort, "127.0.0.1", "/forwarding-secret", Map.of()).get("secret").asString();
		softly.assertThat(secret).as("the worker's forwarding secret").hasSizeGreaterThanOrEqualTo(32);
		softly.assertAll();
		Map<String, String> wrongSecret = new LinkedHashMap<>(forged);
		wrongSecret.put(SECRET_HEADER, secret.substring(1) + "x");
		assertSeen(softly, sendTo(workerPort, "127.0.0.1", "/request", wrongSecret), "127.0.0.1", "http", "127.0.0.1",
				workerPort);
		// Through the master: the real client, and through a trusted upstream the client
		// it names, with no trace of the secret in what the application sees.
		JsonNode direct = send("127.0.0.1", forged);
		assertSeen(softly, direct, "127.0.0.1", "http", "127.0.0.1", this.master.port());
		softly.assertThat(direct.get("headerNames").toString())
			.as("headers the application saw")
			.doesNotContain(SECRET_HEADER.toLowerCase(Locale.ROOT));
		assertSeen(softly, send("127.0.0.2", Map.of("X-Forwarded-For", "198.51.100.7")), "198.51.100.7", "http",
				"127.0.0.1", this.master.port());
		// Whoever has the secret is the master: the worker honours what it sets.
		Map<String, String> asTheMaster = new LinkedHashMap<>(forged);
		asTheMaster.put(SECRET_HEADER, secret);
		JsonNode honoured = sendTo(workerPort, "127.0.0.1", "/request", asTheMaster);
		softly.assertThat(honoured.get("remoteAddr").asString())
			.as("client set by the master")
			.isEqualTo("203.0.113.9");
		softly.assertThat(honoured.get("headerNames").toString())
			.as("headers the application saw")
			.doesNotContain(SECRET_HEADER.toLowerCase(Locale.ROOT));
		// Never on a command line, in an environment, an endpoint or the master's output.
		for (long pid : List.of(this.master.process().pid(), workerPid)) {
			softly.assertThat(String.join(" ", MasterProcess.commandLine(pid)))
				.as("command line of %d", pid)
				.doesNotContain(secret);
			softly.assertThat(Files.readString(Path.of("/proc/" + pid + "/environ"), StandardCharsets.ISO_8859_1))
				.as("environment of %d", pid)
				.doesNotContain(secret);
		}
		for (String endpoint : List.of("/actuator/env", "/actuator/concurrency")) {
			String body = Http.get(this.master.port(), endpoint).body();
			softly.assertThat(body).as(endpoint).contains("workers").doesNotContain(secret);
		}
		softly.assertThat(this.master.output()).as("the master's output").doesNotContain(secret);
		softly.assertAll();
	}

	private void start(String server, Balancer balancer, String... arguments) throws Exception {
		String otherServer = server.equals("Tomcat") ? JETTY : TOMCAT;
		List<String> all = new ArrayList<>(List.of("--concurrency.multi-jvm.forwarded-allow-ips=127.0.0.2",
				"--spring.autoconfigure.exclude=" + otherServer));
		all.addAll(List.of(arguments));
		this.master = this.masters.start(balancer, 1, all.toArray(String[]::new));
		this.master.awaitReady(1);
	}

	/**
	 * Assert what the application made of a request through the master, and that no value
	 * a client made up reached it in a forwarding header.
	 */
	private static void assertSeen(SoftAssertions softly, JsonNode seen, String client, String scheme, String host,
			int port) {
		softly.assertThat(seen.get("remoteAddr").asString()).as("client").isEqualTo(client);
		softly.assertThat(seen.get("secure").asBoolean()).as("secure").isEqualTo(scheme.equals("https"));
		softly.assertThat(seen.get("scheme").asString()).as("scheme").isEqualTo(scheme);
		softly.assertThat(seen.get("serverName").asString()).as("host").isEqualTo(host);
		softly.assertThat(seen.get("serverPort").asInt()).as("port").isEqualTo(port);
		softly.assertThat(forwarding(seen).values())
			.as("forwarding headers the application saw: %s", forwarding(seen))
			.noneMatch((value) -> value.contains("evil") || value.contains("10.0.0.1") || value.equals("8443")
					|| (value.contains("203.0.113.9") && !client.equals("203.0.113.9")));
	}

	private void assertTrusted(SoftAssertions softly, JsonNode seen, String server, Balancer balancer, String client) {
		softly.assertThat(seen.get("remoteAddr").asString()).as("client via upstream").isEqualTo(client);
		softly.assertThat(seen.get("secure").asBoolean()).as("secure via upstream").isTrue();
		softly.assertThat(seen.get("scheme").asString()).as("scheme via upstream").isEqualTo("https");
		softly.assertThat(seen.get("serverName").asString()).as("host via upstream").isEqualTo("app.example");
		softly.assertThat(seen.get("serverPort").asInt()).as("port via upstream").isEqualTo(443);
		softly.assertThat(forwarding(seen))
			.as("forwarding headers the application saw via upstream for %s", client)
			.isEqualTo(Forwarded.fromUpstream(server, balancer, client));
	}

	private static Map<String, String> forwarding(JsonNode seen) {
		Map<String, String> headers = new TreeMap<>();
		seen.get("forwarding")
			.properties()
			.forEach((entry) -> headers.put(entry.getKey(), entry.getValue().asString()));
		return headers;
	}

	/**
	 * Every forwarding header, with a made-up value, and a {@code Forwarded} of the
	 * caller's choosing.
	 */
	private static Map<String, String> everyHeader(String forwarded) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("Forwarded", forwarded);
		headers.put("X-Forwarded-For", "203.0.113.9");
		headers.put("X-Forwarded-Proto", "https");
		headers.put("X-Forwarded-Host", "evil.example");
		headers.put("X-Forwarded-Port", "8443");
		headers.put("X-Forwarded-Server", "evil.example");
		headers.put("X-Forwarded-Prefix", "/evil");
		headers.put("X-Forwarded-Ssl", "on");
		headers.put("X-Forwarded-Protocol", "https");
		headers.put("X-Forwarded-Scheme", "https");
		headers.put("X-Url-Scheme", "https");
		headers.put("X-Proxied-Https", "on");
		headers.put("Front-End-Https", "on");
		headers.put("X-Real-IP", "203.0.113.9");
		headers.put("X-Client-IP", "203.0.113.9");
		headers.put("True-Client-IP", "203.0.113.9");
		headers.put("Proxy-Ssl-Id", "forged");
		headers.put("Proxy-Auth-Cert", "forged");
		return headers;
	}

	/**
	 * GET /request from a local address of the caller's choosing, with headers.
	 */
	private JsonNode send(String from, Map<String, String> headers) throws Exception {
		return sendTo(this.master.port(), from, "/request", headers);
	}

	/**
	 * GET a path of a port from a local address of the caller's choosing, with headers.
	 */
	private JsonNode sendTo(int port, String from, String path, Map<String, String> headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(20));
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

	/**
	 * The one clean set of forwarding headers that reaches the application, by server and
	 * balancer, as the proxy and the workers produce it: under {@code proxy}, Undertow's
	 * {@code X-Forwarded-For/-Proto/-Host/-Port/-Server}, set from the exchange that
	 * {@code ForwardedHeaders} cleaned; under {@code shared-socket}, what the worker's
	 * own filter put back ({@code Forwarding.asXForwardedHeaders}), nothing for a client.
	 * Tomcat's {@code RemoteIpValve} then removes the {@code X-Forwarded-For} it
	 * consumed, where Jetty's {@code ForwardedRequestCustomizer} leaves it.
	 */
	private static final class Forwarded {

		private Forwarded() {
		}

		static Map<String, String> fromClient(String server, Balancer balancer, int port) {
			Map<String, String> headers = new TreeMap<>();
			if (balancer == Balancer.PROXY) {
				headers.put("X-Forwarded-Proto", "http");
				headers.put("X-Forwarded-Host", "127.0.0.1");
				headers.put("X-Forwarded-Port", Integer.toString(port));
				headers.put("X-Forwarded-Server", "127.0.0.1");
				if (server.equals("Jetty")) {
					headers.put("X-Forwarded-For", "127.0.0.1");
				}
			}
			return headers;
		}

		static Map<String, String> fromUpstream(String server, Balancer balancer, String client) {
			Map<String, String> headers = new TreeMap<>();
			headers.put("X-Forwarded-Proto", "https");
			headers.put("X-Forwarded-Host", "app.example");
			// The scheme's own port, which the upstream did not give.
			headers.put("X-Forwarded-Port", "443");
			if (balancer == Balancer.PROXY) {
				// Undertow sends the host it proxied for; the workers' filter no server.
				headers.put("X-Forwarded-Server", "app.example");
			}
			if (server.equals("Jetty")) {
				headers.put("X-Forwarded-For", client);
			}
			return headers;
		}

	}

}
