package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import io.github.bootconcurrency.autoconfigure.multijvm.ForwardedAllowIps;
import io.github.bootconcurrency.autoconfigure.multijvm.UpstreamHeaders;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.ListenerLimits;
import io.github.bootconcurrency.autoconfigure.multijvm.master.loop.FakeWorkers;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.TestWorkers;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Worker;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for what {@link ProxyBalancer} does with a request whose worker dies under it,
 * with real backends on loopback: one that takes the request, says so, and then dies as a
 * killed process does (its listening socket gone, the connection closed without an
 * answer), and one that answers. An idempotent request is sent again to the other worker;
 * a POST is not, since the dead worker may have acted on it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ProxyBalancerRetryTests {

	private final List<HttpServer> backends = new ArrayList<>();

	private final List<DyingBackend> dying = new ArrayList<>();

	private final List<String> answered = new CopyOnWriteArrayList<>();

	private final ByteArrayOutputStream output = new ByteArrayOutputStream();

	private ProxyBalancer proxy;

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	@BeforeEach
	void startProxy() {
		Duration keepAlive = Duration.ofSeconds(20);
		this.proxy = new ProxyBalancer("127.0.0.1", 0, 128, 200, keepAlive, Duration.ofSeconds(30),
				ListenerLimits.defaults(keepAlive),
				new ForwardedHeaders(ForwardedAllowIps.of(List.of()), UpstreamHeaders.defaults(), null), 2,
				WaitingRoom.MAX_HELD, new PrintStream(this.output, true, StandardCharsets.UTF_8));
		this.proxy.start();
	}

	@AfterEach
	void stop() throws IOException {
		this.client.shutdownNow();
		this.proxy.stop();
		this.backends.forEach((backend) -> backend.stop(0));
		for (DyingBackend backend : this.dying) {
			backend.close();
		}
	}

	@Test
	void aGetWhoseWorkerDiesUnderItIsAnsweredByTheOtherWorker() throws Exception {
		DyingBackend dying = aDyingWorkerHolding(
				HttpRequest.newBuilder(uri("/slow")).timeout(Duration.ofSeconds(30)).GET());
		dying.die();
		HttpResponse<String> response = dying.response.get(20, TimeUnit.SECONDS);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("other");
		assertThat(dying.requests).containsExactly("GET /slow");
		assertThat(this.answered).containsExactly("GET /slow");
		assertThat(dying.failures).isEmpty();
	}

	/**
	 * Undertow retries a request only if its predicate says it is idempotent and the
	 * proxy has read the whole request before it picked the worker: an empty POST passes
	 * the second check, so only the first keeps it from running twice.
	 */
	@ParameterizedTest(name = "body \"{0}\"")
	@ValueSource(strings = { "", "one order" })
	void aPostWhoseWorkerDiesUnderItFailsAndNeverReachesTheOtherWorker(String body) throws Exception {
		DyingBackend dying = aDyingWorkerHolding(HttpRequest.newBuilder(uri("/order"))
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofString(body)));
		dying.die();
		HttpResponse<String> response = dying.response.get(20, TimeUnit.SECONDS);
		// The proxy's answer is complete once the client has it: a retry would have come
		// before it.
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(dying.requests).containsExactly("POST /order");
		assertThat(this.answered).isEmpty();
		assertThat(dying.failures).isEmpty();
	}

	/**
	 * The master's stop removes every worker (after it stopped taking new requests) while
	 * their requests run: a GET whose worker then fails under it finds no other worker.
	 * Its client is told that the request failed at its worker ({@code 502}, as a proxy
	 * answers when its backend failed), not the {@code 503} that says "stopping, come
	 * back later" as if nothing had happened, since the worker may have acted on it; and
	 * the master says so in its own lines. On a raw connection of its own: the JDK's
	 * client would send the GET again if its connection closed without an answer.
	 */
	@Test
	void aGetWhoseWorkerDiesUnderItWhileTheMasterStopsIsAnswered502AndLogged() throws Exception {
		DyingBackend dying = new DyingBackend();
		this.dying.add(dying);
		Worker worker = worker(1, dying.port());
		this.proxy.add(worker);
		CompletableFuture<String> answer = Http.getAsyncOnNewConnection(this.proxy.port(), "/slow?key=s3cr3t",
				Duration.ofSeconds(30));
		assertThat(dying.holds.await(20, TimeUnit.SECONDS))
			.as("the dying worker got the request; its failures: %s", dying.failures)
			.isTrue();
		// Shutdown.begin's order.
		this.proxy.stopAccepting();
		this.proxy.remove(worker);
		dying.die();
		String raw = answer.get(20, TimeUnit.SECONDS);
		assertThat(this.output.toString(StandardCharsets.UTF_8))
			.contains("[master] GET /slow: the connection to its worker failed before the answer; "
					+ "sending it to another worker")
			.contains("[master] GET /slow: lost at its worker, and no worker is left to send it to")
			.doesNotContain("s3cr3t");
		assertThat(raw).as("the whole answer:%n%s", raw).startsWith("HTTP/1.1 502 ").contains("Connection: close");
		assertThat(dying.requests).containsExactly("GET /slow?key=s3cr3t");
		assertThat(dying.failures).isEmpty();
	}

	/**
	 * A worker that dies once it has sent the head of a chunked answer, and none of its
	 * body, while the master stops: the proxy has begun the answer, so it cannot send the
	 * GET again nor answer for the worker, and closes its client's connection without a
	 * byte. The JDK's client sends a GET again when that happens, and the stopping master
	 * answers the copy {@code 503}: which is why the stop tests judge the answer to a
	 * request sent on a raw connection.
	 */
	@Test
	void aGetWhoseWorkerDiesAfterTheHeadOfItsAnswerWhileTheMasterStopsHasItsConnectionClosedWithoutAByte()
			throws Exception {
		DyingBackend dying = new DyingBackend(
				"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		this.dying.add(dying);
		Worker worker = worker(1, dying.port());
		this.proxy.add(worker);
		CompletableFuture<String> answer = Http.getAsyncOnNewConnection(this.proxy.port(), "/slow",
				Duration.ofSeconds(30));
		assertThat(dying.holds.await(20, TimeUnit.SECONDS))
			.as("the dying worker got the request; its failures: %s", dying.failures)
			.isTrue();
		this.proxy.stopAccepting();
		this.proxy.remove(worker);
		dying.die();
		assertThat(answer.get(20, TimeUnit.SECONDS)).isEmpty();
		assertThat(dying.requests).containsExactly("GET /slow");
		assertThat(dying.failures).isEmpty();
	}

	/**
	 * Give the proxy the dying worker alone, send the request, wait until that worker
	 * holds it, and only then add the worker that answers: the request cannot have gone
	 * anywhere else first.
	 */
	private DyingBackend aDyingWorkerHolding(HttpRequest.Builder request) throws Exception {
		DyingBackend dying = new DyingBackend();
		this.dying.add(dying);
		this.proxy.add(worker(1, dying.port()));
		dying.response = this.client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(dying.holds.await(20, TimeUnit.SECONDS))
			.as("the dying worker got the request; its failures: %s", dying.failures)
			.isTrue();
		this.proxy.add(worker(2, answeringBackend().getAddress().getPort()));
		return dying;
	}

	private HttpServer answeringBackend() throws IOException {
		HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		byte[] body = "other".getBytes(StandardCharsets.UTF_8);
		backend.createContext("/", (exchange) -> {
			this.answered.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
			exchange.getRequestBody().readAllBytes();
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.backends.add(backend);
		backend.start();
		return backend;
	}

	private Worker worker(int id, int port) {
		Worker worker = TestWorkers.worker(id, 0, 0, 0, "token", 0, new FakeWorkers.Process(id, id), Instant.now());
		TestWorkers.ready(worker, Instant.now(), port);
		return worker;
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.proxy.port() + path);
	}

	/**
	 * A worker that reads a request's head and body, says it holds it, and on
	 * {@link #die()} goes as a SIGKILLed process goes: its listening socket closes, so
	 * that nothing more connects, and so does the connection, without a byte of answer.
	 * What goes wrong in its thread is recorded, never thrown there.
	 */
	private static final class DyingBackend implements AutoCloseable {

		private final ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

		private final CountDownLatch holds = new CountDownLatch(1);

		private final CountDownLatch dies = new CountDownLatch(1);

		private final List<String> requests = new CopyOnWriteArrayList<>();

		private final List<Throwable> failures = new CopyOnWriteArrayList<>();

		private final Thread thread;

		private CompletableFuture<HttpResponse<String>> response;

		private final byte[] lastWords;

		DyingBackend() throws IOException {
			this(new byte[0]);
		}

		/**
		 * A worker that writes some bytes before it dies.
		 * @param lastWords what it writes
		 */
		DyingBackend(byte[] lastWords) throws IOException {
			this.lastWords = lastWords;
			this.thread = Thread.ofPlatform().daemon().name("dying-backend").start(this::serveOneAndDie);
		}

		int port() {
			return this.listening.getLocalPort();
		}

		void die() throws InterruptedException {
			this.dies.countDown();
			this.thread.join(Duration.ofSeconds(10));
		}

		private void serveOneAndDie() {
			try (Socket connection = this.listening.accept()) {
				InputStream in = connection.getInputStream();
				String head = readHead(in);
				String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
				in.readNBytes(contentLength(head));
				this.requests.add(requestLine[0] + " " + requestLine[1]);
				this.holds.countDown();
				if (!this.dies.await(30, TimeUnit.SECONDS)) {
					this.failures.add(new AssertionError("never told to die"));
				}
				connection.getOutputStream().write(this.lastWords);
				connection.getOutputStream().flush();
				this.listening.close();
			}
			catch (Exception ex) {
				this.failures.add(ex);
			}
		}

		private static String readHead(InputStream in) throws IOException {
			ByteArrayOutputStream head = new ByteArrayOutputStream();
			while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
				int next = in.read();
				if (next == -1) {
					throw new IOException("The connection ended within the request's head: " + head);
				}
				head.write(next);
			}
			return head.toString(StandardCharsets.ISO_8859_1);
		}

		private static int contentLength(String head) {
			for (String line : head.split("\r\n")) {
				if (line.toLowerCase().startsWith("content-length:")) {
					return Integer.parseInt(line.substring(15).trim());
				}
			}
			return 0;
		}

		@Override
		public void close() throws IOException {
			this.dies.countDown();
			this.listening.close();
		}

	}

}
