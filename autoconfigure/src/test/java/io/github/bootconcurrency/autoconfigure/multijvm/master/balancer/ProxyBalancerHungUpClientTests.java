package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.ListenerLimits;
import io.github.bootconcurrency.autoconfigure.multijvm.master.loop.FakeWorkers;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.TestWorkers;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Worker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for what {@link ProxyBalancer} does with its connection to a worker when the
 * client of that exchange is cut off mid-response, with real clients and a real backend
 * on loopback standing in for a worker: the connection is closed, which the backend sees
 * as its write failing, and the next request is served on another one at once; exchanges
 * that end normally keep their connection to the worker alive.
 *
 * <p>
 * One IO thread: the proxy keeps a pool of connections per IO thread, so the next request
 * is sure to meet the stalled exchange's connection, if the proxy gives it back.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ProxyBalancerHungUpClientTests {

	private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(1);

	private static final Duration LONG = Duration.ofSeconds(30);

	/**
	 * Longest the next request may take: the stalled write's timeout, and plenty for a
	 * loaded machine. Served on the stalled exchange's connection, it never is.
	 */
	private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(15);

	private static final int LARGE_RESPONSE = 64 * 1024 * 1024;

	private final List<Socket> sockets = new ArrayList<>();

	private HttpServer backend;

	private ProxyBalancer proxy;

	/**
	 * The backend's port of each connection the proxy opened to it, as the backend saw
	 * them.
	 */
	private final Set<Integer> backendConnections = ConcurrentHashMap.newKeySet();

	private final CountDownLatch largeStarted = new CountDownLatch(1);

	private volatile int largeConnection;

	/**
	 * How the backend's write of the large response ended: the exception it failed with,
	 * or {@code null} if all of it was taken.
	 */
	private final CompletableFuture<IOException> largeEnded = new CompletableFuture<>();

	@BeforeEach
	void startBackend() throws IOException {
		this.backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		// A thread per exchange: the large response's blocked write must not hold up the
		// next request, as it would on the server's only thread.
		this.backend.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		this.backend.createContext("/", (exchange) -> {
			String path = exchange.getRequestURI().getPath();
			int connection = exchange.getRemoteAddress().getPort();
			this.backendConnections.add(connection);
			try (OutputStream out = exchange.getResponseBody()) {
				if (path.equals("/large")) {
					this.largeConnection = connection;
					this.largeStarted.countDown();
					exchange.sendResponseHeaders(200, LARGE_RESPONSE);
					writeLarge(out);
				}
				else {
					byte[] body = path.getBytes(StandardCharsets.UTF_8);
					exchange.sendResponseHeaders(200, body.length);
					out.write(body);
				}
			}
		});
		this.backend.start();
	}

	private void writeLarge(OutputStream out) throws IOException {
		byte[] chunk = new byte[1024 * 1024];
		try {
			for (int i = 0; i < LARGE_RESPONSE / chunk.length; i++) {
				out.write(chunk);
			}
			this.largeEnded.complete(null);
		}
		catch (IOException ex) {
			// Only the proxy's end of the connection closing fails this write.
			this.largeEnded.complete(ex);
			throw ex;
		}
	}

	@AfterEach
	void stop() throws IOException {
		for (Socket socket : this.sockets) {
			socket.close();
		}
		if (this.proxy != null) {
			this.proxy.stop();
		}
		this.backend.stop(0);
	}

	@Test
	void aRequestWaitingForTheConnectionOfAStalledExchangeIsServedOnANewOneOnceTheClientIsCutOff() throws Exception {
		// One connection to the worker: the next request waits for the stalled
		// exchange's, and is handed it when that exchange ends.
		startProxy(1);
		Socket stalled = stalledClient();
		assertThat(this.largeStarted.await(LONG.toSeconds(), TimeUnit.SECONDS))
			.as("the large request reached the backend")
			.isTrue();
		String next = get("/next");
		assertThat(next).as("the next request, sent while the stalled exchange held the connection")
			.startsWith("HTTP/1.1 200")
			.endsWith("/next");
		assertTheStalledExchangesConnectionWasClosedByTheProxy();
		stalled.close();
	}

	@Test
	void theNextRequestAfterAStalledClientIsCutOffIsServedOnANewConnection() throws Exception {
		assumeThat(Path.of("/proc/net/tcp")).as("the kernel's table of TCP sockets").exists();
		// Room for more connections: the next request comes once the stalled exchange
		// ended, and takes the connection the proxy keeps idle first. (It comes well
		// within the pool's idle timeout, 5 s, which would close an idle connection.)
		startProxy(4);
		Socket stalled = stalledClient();
		assertThat(established(this.proxy.port(), stalled.getLocalPort()))
			.as("the proxy's end of the stalled client's connection is listed as ESTABLISHED")
			.isTrue();
		await().atMost(WRITE_TIMEOUT.plus(LONG))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> !established(this.proxy.port(), stalled.getLocalPort()));
		String next = get("/next");
		assertThat(next).as("the next request, sent once the stalled client was cut off")
			.startsWith("HTTP/1.1 200")
			.endsWith("/next");
		assertTheStalledExchangesConnectionWasClosedByTheProxy();
		stalled.close();
	}

	@Test
	void exchangesThatEndNormallyKeepTheirConnectionToTheWorker() throws Exception {
		startProxy(4);
		// Each client closes its connection once answered, or asks the proxy to: that
		// ends the client's connection, not the proxy's to the worker.
		for (int i = 0; i < 3; i++) {
			assertThat(get("/closing-" + i)).endsWith("/closing-" + i);
		}
		try (Socket client = connect()) {
			for (int i = 0; i < 3; i++) {
				send(client, "GET /kept-" + i + " HTTP/1.1\r\nHost: test\r\n\r\n");
				assertThat(readResponse(client)).endsWith("/kept-" + i);
			}
		}
		assertThat(this.backendConnections).as("connections from the proxy to the backend").hasSize(1);
	}

	/**
	 * Given back to the pool, the stalled exchange's connection went to the next request,
	 * which left the backend's write blocked for good; closed, it failed that write, and
	 * the next request came on a connection of its own.
	 */
	private void assertTheStalledExchangesConnectionWasClosedByTheProxy() {
		assertThat(this.largeEnded).as("the backend's write of the stalled response")
			.succeedsWithin(LONG)
			.as("the exception the proxy's close failed the backend's write with")
			.isNotNull();
		assertThat(this.backendConnections).as("connections from the proxy to the backend")
			.hasSize(2)
			.contains(this.largeConnection);
	}

	private void startProxy(int workerCapacity) {
		this.proxy = new ProxyBalancer("127.0.0.1", 0, 128, workerCapacity, LONG, LONG,
				new ListenerLimits(100, 8192, LONG, LONG, WRITE_TIMEOUT), 1, WaitingRoom.MAX_HELD);
		this.proxy.start();
		Worker worker = TestWorkers.worker(1, 0, 0, 0, "token", 0, new FakeWorkers.Process(1, 1), Instant.now());
		TestWorkers.ready(worker, Instant.now(), this.backend.getAddress().getPort());
		this.proxy.add(worker);
	}

	/**
	 * A client that asks for the large response and never reads it: once the buffers
	 * between fill up, nothing moves, and the proxy's write to it times out.
	 */
	private Socket stalledClient() throws IOException {
		Socket stalled = new Socket();
		this.sockets.add(stalled);
		stalled.setReceiveBufferSize(16 * 1024);
		stalled.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.proxy.port()), 5000);
		send(stalled, "GET /large HTTP/1.1\r\nHost: test\r\n\r\n");
		return stalled;
	}

	/**
	 * GET a path on a connection of its own, which the proxy closes once it answered.
	 */
	private String get(String path) throws IOException {
		try (Socket client = connect()) {
			send(client, "GET " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
			client.setSoTimeout((int) ANSWERED_WITHIN.toMillis());
			try {
				return new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
			}
			catch (SocketTimeoutException ex) {
				return "no answer within " + ANSWERED_WITHIN.toSeconds() + " s";
			}
		}
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket();
		this.sockets.add(socket);
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.proxy.port()), 5000);
		return socket;
	}

	private static void send(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
	}

	/**
	 * Read one response whose body is its request's path, on a connection kept open.
	 */
	private static String readResponse(Socket socket) throws IOException {
		socket.setSoTimeout((int) ANSWERED_WITHIN.toMillis());
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int next = socket.getInputStream().read();
			if (next == -1) {
				break;
			}
			head.append((char) next);
		}
		int length = 0;
		for (String line : head.toString().split("\r\n")) {
			if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
				length = Integer.parseInt(line.substring(15).trim());
			}
		}
		return head + new String(socket.getInputStream().readNBytes(length), StandardCharsets.ISO_8859_1);
	}

	/**
	 * Whether the proxy's end of a connection from a local port is still ESTABLISHED,
	 * from the kernel's table of TCP sockets: the stalled client cannot tell without
	 * reading, which would let the proxy's write go on.
	 */
	private static boolean established(int proxyPort, int clientPort) throws IOException {
		// Java's sockets are IPv6 ones where the kernel has IPv6, IPv4 addresses mapped:
		// loopback connections are listed in either table.
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			for (String line : Files.readAllLines(Path.of(table))) {
				String[] fields = line.trim().split("\\s+");
				// Local and remote addresses are ADDRESS:PORT in hex; state 01 is
				// ESTABLISHED.
				if (fields.length > 3 && fields[1].endsWith(String.format(":%04X", proxyPort))
						&& fields[2].endsWith(String.format(":%04X", clientPort))) {
					return "01".equals(fields[3]);
				}
			}
		}
		return false;
	}

}
