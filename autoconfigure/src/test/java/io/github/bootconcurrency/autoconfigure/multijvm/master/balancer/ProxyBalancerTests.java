package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import io.github.bootconcurrency.autoconfigure.multijvm.master.loop.FakeWorkers;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.TestWorkers;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Worker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ProxyBalancer}, with real backends on loopback standing in for the
 * workers.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ProxyBalancerTests {

	private static final Duration LONG_QUEUE_TIMEOUT = Duration.ofSeconds(30);

	private final AtomicInteger workerIds = new AtomicInteger();

	private final List<HttpServer> backends = new ArrayList<>();

	private final List<ProxyBalancer> proxies = new ArrayList<>();

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	@AfterEach
	void stop() {
		this.client.shutdownNow();
		this.proxies.forEach(ProxyBalancer::stop);
		this.backends.forEach((backend) -> backend.stop(0));
	}

	@Test
	void requestsBeforeAnyWorkerWaitAndAreAllServedOnceOneIsAdded() throws Exception {
		ProxyBalancer proxy = start(LONG_QUEUE_TIMEOUT);
		long started = System.nanoTime();
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			responses.add(send(proxy, "/cold/" + i));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> proxy.heldRequests() == 20);
		sleepUntil(started, Duration.ofSeconds(2));
		assertThat(responses).noneMatch(CompletableFuture::isDone);
		proxy.add(worker(backend("first", null)));
		for (CompletableFuture<HttpResponse<String>> response : responses) {
			assertServedBy(response, "first");
		}
		assertThat(proxy.heldRequests()).isZero();
	}

	@Test
	void requestThatNoWorkerTakesWithinTheQueueTimeoutIsAnswered503WithRetryAfter() throws Exception {
		ProxyBalancer proxy = start(Duration.ofMillis(1500));
		long started = System.nanoTime();
		HttpResponse<String> response = send(proxy, "/late").get(15, TimeUnit.SECONDS);
		Duration waited = Duration.ofNanos(System.nanoTime() - started);
		assertThat(response.statusCode()).isEqualTo(503);
		// Seconds, rounded up.
		assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/plain"));
		assertThat(response.body()).contains("No worker became ready within concurrency.multi-jvm.queue-timeout");
		assertThat(waited).isBetween(Duration.ofMillis(1400), Duration.ofSeconds(6));
		assertThat(proxy.heldRequests()).isZero();
	}

	@Test
	void requestsWaitWhileEveryWorkerIsGoneAndAreServedByTheNextOne() throws Exception {
		ProxyBalancer proxy = start(LONG_QUEUE_TIMEOUT);
		Worker first = worker(backend("first", null));
		proxy.add(first);
		assertServedBy(send(proxy, "/before"), "first");
		proxy.remove(first);
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			responses.add(send(proxy, "/between/" + i));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> proxy.heldRequests() == 5);
		assertThat(responses).noneMatch(CompletableFuture::isDone);
		proxy.add(worker(backend("second", null)));
		for (CompletableFuture<HttpResponse<String>> response : responses) {
			assertServedBy(response, "second");
		}
	}

	@Test
	void heldRequestsReachTheWorkerInTheOrderTheyCame() throws Exception {
		// One IO thread and one connection to the worker, so that the order the requests
		// are let through in is the order the worker sees.
		ProxyBalancer proxy = start(new ProxyBalancer("127.0.0.1", 0, 128, 1, Duration.ofSeconds(20),
				LONG_QUEUE_TIMEOUT, 1, WaitingRoom.MAX_HELD));
		List<String> arrivals = new CopyOnWriteArrayList<>();
		List<String> sent = new ArrayList<>();
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			sent.add("/order/" + i);
			responses.add(send(proxy, "/order/" + i));
			int held = i + 1;
			await().atMost(Duration.ofSeconds(5)).until(() -> proxy.heldRequests() == held);
		}
		proxy.add(worker(backend("first", arrivals)));
		for (CompletableFuture<HttpResponse<String>> response : responses) {
			assertServedBy(response, "first");
		}
		assertThat(arrivals).containsExactlyElementsOf(sent);
	}

	@Test
	void clientThatHangsUpWhileHeldLeavesTheQueue() throws Exception {
		ProxyBalancer proxy = start(LONG_QUEUE_TIMEOUT);
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
			OutputStream out = socket.getOutputStream();
			out.write("GET /gone HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			await().atMost(Duration.ofSeconds(5)).until(() -> proxy.heldRequests() == 1);
		}
		// Well before the queue timeout.
		await().atMost(Duration.ofSeconds(5)).until(() -> proxy.heldRequests() == 0);
		proxy.add(worker(backend("first", null)));
		assertServedBy(send(proxy, "/after"), "first");
	}

	@Test
	void requestPipelinedBehindAHeldOneIsServedAfterIt() throws Exception {
		ProxyBalancer proxy = start(LONG_QUEUE_TIMEOUT);
		List<String> arrivals = new CopyOnWriteArrayList<>();
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write("GET /one HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			await().atMost(Duration.ofSeconds(5)).until(() -> proxy.heldRequests() == 1);
			// Read by the held request's watch, which must hand it back to Undertow.
			out.write("GET /two HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			// A window for a wrong turn, not a wait for an event: the pipelined request
			// must not be taken for a second held one. The order of arrivals below proves
			// the rest.
			Thread.sleep(300);
			assertThat(proxy.heldRequests()).isEqualTo(1);
			proxy.add(worker(backend("first", arrivals)));
			String answers = readUntil(socket, 2, "first");
			assertThat(answers.split("HTTP/1.1 200", -1)).hasSize(3);
		}
		assertThat(arrivals).containsExactly("/one", "/two");
	}

	@Test
	void requestOverTheMostHeldIsAnswered503AtOnce() throws Exception {
		ProxyBalancer proxy = start(
				new ProxyBalancer("127.0.0.1", 0, 128, 200, Duration.ofSeconds(20), LONG_QUEUE_TIMEOUT, 2, 2));
		List<CompletableFuture<HttpResponse<String>>> responses = List.of(send(proxy, "/a"), send(proxy, "/b"));
		await().atMost(Duration.ofSeconds(5)).until(() -> proxy.heldRequests() == 2);
		HttpResponse<String> refused = send(proxy, "/c").get(5, TimeUnit.SECONDS);
		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.headers().firstValue("Retry-After")).hasValue("30");
		assertThat(refused.body()).contains("2 requests already wait");
		assertThat(responses).noneMatch(CompletableFuture::isDone);
		proxy.add(worker(backend("first", null)));
		for (CompletableFuture<HttpResponse<String>> response : responses) {
			assertServedBy(response, "first");
		}
	}

	@Test
	void aStoppingProxyAnswersHeldAndNewRequests503WithoutKeepingTheConnection() throws Exception {
		ProxyBalancer proxy = start(LONG_QUEUE_TIMEOUT);
		CompletableFuture<HttpResponse<String>> held = send(proxy, "/held");
		await().atMost(Duration.ofSeconds(5)).until(() -> proxy.heldRequests() == 1);
		proxy.stopAccepting();
		HttpResponse<String> heldResponse = held.get(5, TimeUnit.SECONDS);
		assertThat(heldResponse.statusCode()).isEqualTo(503);
		assertThat(heldResponse.body()).contains("The server is stopping");
		HttpResponse<String> late = send(proxy, "/late").get(5, TimeUnit.SECONDS);
		assertThat(late.statusCode()).isEqualTo(503);
		assertThat(late.headers().firstValue("Connection")).hasValue("close");
		// A worker that becomes ready meanwhile does not take requests any more.
		proxy.add(worker(backend("late", null)));
		assertThat(send(proxy, "/after").get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(503);
	}

	@Test
	void requestIsProxiedAtOnceWhileAWorkerIsReady() throws Exception {
		ProxyBalancer proxy = start(LONG_QUEUE_TIMEOUT);
		proxy.add(worker(backend("first", null)));
		long started = System.nanoTime();
		assertServedBy(send(proxy, "/now"), "first");
		// Well under the queue timeout a held request would wait out, even on a loaded
		// machine: how fast the hop is belongs to the benchmark.
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(LONG_QUEUE_TIMEOUT.dividedBy(3));
		assertThat(proxy.heldRequests()).isZero();
	}

	@Test
	void workerClosingItsConnectionLeavesTheClientsConnectionOpen() throws Exception {
		ProxyBalancer proxy = start(LONG_QUEUE_TIMEOUT);
		proxy.add(worker(closingBackend("first")));
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
			socket.setSoTimeout(10_000);
			for (int i = 0; i < 3; i++) {
				socket.getOutputStream()
					.write(("GET /" + i + " HTTP/1.1\r\nHost: test\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
				String response = readUntil(socket, 1, "first");
				assertThat(response).startsWith("HTTP/1.1 200")
					.doesNotContainIgnoringCase("Connection: close")
					.endsWith("first");
			}
		}
	}

	private ProxyBalancer start(Duration queueTimeout) {
		return start(new ProxyBalancer("127.0.0.1", 0, 128, 200, Duration.ofSeconds(20), queueTimeout));
	}

	private ProxyBalancer start(ProxyBalancer proxy) {
		this.proxies.add(proxy);
		proxy.start();
		return proxy;
	}

	/**
	 * Start a backend that answers every request with its name, noting the paths it
	 * serves, in order, if asked to.
	 */
	private HttpServer backend(String name, List<String> arrivals) throws IOException {
		HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		byte[] body = name.getBytes(StandardCharsets.UTF_8);
		backend.createContext("/", (exchange) -> {
			if (arrivals != null) {
				arrivals.add(exchange.getRequestURI().getPath());
			}
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.backends.add(backend);
		backend.start();
		return backend;
	}

	/**
	 * Start a backend that closes its connection after every response, as Tomcat does
	 * after a connection's 100th.
	 */
	private HttpServer closingBackend(String name) throws IOException {
		HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		byte[] body = name.getBytes(StandardCharsets.UTF_8);
		backend.createContext("/", (exchange) -> {
			exchange.getResponseHeaders().set("Connection", "close");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.backends.add(backend);
		backend.start();
		return backend;
	}

	private Worker worker(HttpServer backend) {
		Worker worker = TestWorkers.worker(this.workerIds.incrementAndGet(), 0, 0, 0, "token", 0,
				new FakeWorkers.Process(1, 1), Instant.now());
		TestWorkers.ready(worker, Instant.now(), backend.getAddress().getPort());
		return worker;
	}

	private CompletableFuture<HttpResponse<String>> send(ProxyBalancer proxy, String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
			.timeout(Duration.ofSeconds(60))
			.build();
		return this.client.sendAsync(request, BodyHandlers.ofString());
	}

	private static void assertServedBy(CompletableFuture<HttpResponse<String>> response, String backend)
			throws Exception {
		HttpResponse<String> served = response.get(15, TimeUnit.SECONDS);
		assertThat(served.statusCode()).isEqualTo(200);
		assertThat(served.body()).isEqualTo(backend);
	}

	/**
	 * Read a connection until a text appears a number of times, or the socket's timeout.
	 */
	private static String readUntil(Socket socket, int times, String text) throws IOException {
		StringBuilder read = new StringBuilder();
		byte[] buffer = new byte[4096];
		while (read.toString().split(text, -1).length <= times) {
			int count = socket.getInputStream().read(buffer);
			if (count < 0) {
				break;
			}
			read.append(new String(buffer, 0, count, StandardCharsets.ISO_8859_1));
		}
		return read.toString();
	}

	private static void sleepUntil(long startedNanos, Duration elapsed) throws InterruptedException {
		long left = startedNanos + elapsed.toNanos() - System.nanoTime();
		if (left > 0) {
			TimeUnit.NANOSECONDS.sleep(left);
		}
	}

}
