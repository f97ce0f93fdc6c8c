package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.ListenerLimits;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfigLoader;
import io.github.bootconcurrency.autoconfigure.multijvm.master.loop.FakeWorkers;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.TestWorkers;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Worker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the limits of {@link ProxyBalancer}, with real clients and real backends on
 * loopback standing in for workers: what a slow, greedy or never-reading client gets of
 * the master, and how many connections the proxy opens to a worker.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ProxyBalancerLimitsTests {

	private static final Duration LONG = Duration.ofSeconds(30);

	private static final int LARGE_RESPONSE = 64 * 1024 * 1024;

	private final List<ProxyBalancer> proxies = new ArrayList<>();

	private final List<HttpServer> backends = new ArrayList<>();

	private final List<Socket> sockets = new ArrayList<>();

	private final List<String> arrivals = new CopyOnWriteArrayList<>();

	@AfterEach
	void stop() throws IOException {
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.proxies.forEach(ProxyBalancer::stop);
		this.backends.forEach((backend) -> backend.stop(0));
	}

	@Test
	void aRequestHeaderOverTheLimitIsAnswered400WithoutReachingAWorker() throws Exception {
		ProxyBalancer proxy = start(new ListenerLimits(100, 8192, LONG, LONG, LONG));
		String padding = "x".repeat(7000);
		Socket fits = connect(proxy);
		send(fits, "GET /fits HTTP/1.1\r\nHost: test\r\nX-Padding: " + padding + "\r\nConnection: close\r\n\r\n");
		assertThat(readAll(fits)).startsWith("HTTP/1.1 200");
		Socket tooLarge = connect(proxy);
		send(tooLarge, "GET /too-large HTTP/1.1\r\nHost: test\r\nX-Padding: " + padding + "\r\nX-More: " + padding
				+ "\r\nConnection: close\r\n\r\n");
		assertThat(readAll(tooLarge)).startsWith("HTTP/1.1 400");
		assertThat(this.arrivals).containsExactly("/fits");
	}

	@Test
	void aClientThatSendsItsHeaderTooSlowlyIsClosedAfterTheHeaderTimeout() throws Exception {
		ProxyBalancer proxy = start(new ListenerLimits(100, 8192, Duration.ofMillis(500), LONG, LONG));
		Socket slow = connect(proxy);
		slow.setSoTimeout(200);
		long started = System.nanoTime();
		send(slow, "GET /slow HTTP/1.1\r\nHost: test\r\nX-Slow: ");
		boolean closed = false;
		// A byte every 200 ms keeps the connection busy, never idle: only the deadline
		// for the whole header can end it. The upper bound is a third of the other
		// limits, generous for a loaded machine, which tells the header timeout apart.
		long giveUp = started + LONG.dividedBy(3).toNanos();
		while (!closed && System.nanoTime() < giveUp) {
			closed = closedByPeer(slow) || !trySend(slow, "a");
		}
		Duration open = Duration.ofNanos(System.nanoTime() - started);
		assertThat(closed).as("closed by the proxy").isTrue();
		assertThat(open).isBetween(Duration.ofMillis(450), LONG.dividedBy(3));
		assertThat(this.arrivals).isEmpty();
	}

	@Test
	void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws Exception {
		ProxyBalancer proxy = start(new ListenerLimits(100, 8192, LONG, Duration.ofMillis(500), LONG));
		Socket idle = connect(proxy);
		idle.setSoTimeout((int) LONG.dividedBy(3).toMillis());
		long started = System.nanoTime();
		assertThat(idle.getInputStream().read()).isEqualTo(-1);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(450), LONG.dividedBy(3));
	}

	@Test
	void connectionsOverTheLimitWaitUntilOneCloses() throws Exception {
		ProxyBalancer proxy = start(new ListenerLimits(4, 8192, LONG, LONG, LONG));
		List<Socket> holders = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			Socket holder = connect(proxy);
			send(holder, "GET /held HTTP/1.1\r\nHost: test\r\n");
			holders.add(holder);
		}
		Socket fifth = connect(proxy);
		send(fifth, "GET /fifth HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
		fifth.setSoTimeout(1000);
		// Accepted by the kernel, into the backlog, but not by the proxy.
		assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> fifth.getInputStream().read());
		assertThat(this.arrivals).isEmpty();
		holders.get(0).close();
		assertThat(readAll(fifth)).startsWith("HTTP/1.1 200");
		assertThat(this.arrivals).containsExactly("/fifth");
	}

	@Test
	void aClientThatNeverReadsItsResponseIsClosedAfterTheWriteTimeout() throws Exception {
		ProxyBalancer proxy = start(new ListenerLimits(100, 8192, LONG, LONG, Duration.ofSeconds(1)));
		Socket stalled = new Socket();
		stalled.setReceiveBufferSize(16 * 1024);
		stalled.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 5000);
		this.sockets.add(stalled);
		send(stalled, "GET /large HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
		// The buffers between fill up, then nothing moves: the proxy's write times out.
		Thread.sleep(3000);
		stalled.setSoTimeout(10_000);
		long received = drain(stalled.getInputStream());
		assertThat(received).as("bytes received before the proxy closed").isLessThan(LARGE_RESPONSE);
	}

	@Test
	void workersAddedAfterAReloadGetConnectionsSizedByTheReloadedSettings() throws Exception {
		ProxyBalancer proxy = new ProxyBalancer("127.0.0.1", 0, 128, 200, Duration.ofSeconds(20), LONG,
				ListenerLimits.defaults(Duration.ofSeconds(20)), 2, WaitingRoom.MAX_HELD);
		this.proxies.add(proxy);
		proxy.start();
		// Reloaded: each worker now runs 2 threads, one connection per IO thread.
		proxy.configure(MasterConfigLoader.load(new MockEnvironment().withProperty("server.tomcat.threads.max", "2"),
				SharedSocket.unsupportedReason()));
		AtomicInteger inFlight = new AtomicInteger();
		AtomicInteger mostInFlight = new AtomicInteger();
		HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		backend.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		backend.createContext("/", (exchange) -> {
			mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
			try {
				Thread.sleep(300);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			inFlight.decrementAndGet();
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		this.backends.add(backend);
		backend.start();
		proxy.add(worker(backend));
		List<Socket> clients = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			Socket client = connect(proxy);
			send(client, "GET /" + i + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
			clients.add(client);
		}
		for (Socket client : clients) {
			assertThat(readAll(client)).startsWith("HTTP/1.1 200");
		}
		assertThat(mostInFlight).hasValueBetween(1, 2);
	}

	private ProxyBalancer start(ListenerLimits limits) throws IOException {
		ProxyBalancer proxy = new ProxyBalancer("127.0.0.1", 0, 128, 200, Duration.ofSeconds(20), LONG, limits, 2,
				WaitingRoom.MAX_HELD);
		this.proxies.add(proxy);
		proxy.start();
		proxy.add(worker(backend()));
		return proxy;
	}

	/**
	 * Start a backend that answers {@code /large} with 64 MB and anything else with its
	 * path, noting the paths it serves.
	 */
	private HttpServer backend() throws IOException {
		HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		backend.createContext("/", (exchange) -> {
			String path = exchange.getRequestURI().getPath();
			this.arrivals.add(path);
			try (OutputStream out = exchange.getResponseBody()) {
				if (path.equals("/large")) {
					exchange.sendResponseHeaders(200, LARGE_RESPONSE);
					byte[] chunk = new byte[1024 * 1024];
					for (int i = 0; i < LARGE_RESPONSE / chunk.length; i++) {
						out.write(chunk);
					}
				}
				else {
					byte[] body = path.getBytes(StandardCharsets.UTF_8);
					exchange.sendResponseHeaders(200, body.length);
					out.write(body);
				}
			}
		});
		this.backends.add(backend);
		backend.start();
		return backend;
	}

	private Worker worker(HttpServer backend) {
		Worker worker = TestWorkers.worker(1, 0, 0, 0, "token", 0, new FakeWorkers.Process(1, 1), Instant.now());
		TestWorkers.ready(worker, Instant.now(), backend.getAddress().getPort());
		return worker;
	}

	private Socket connect(ProxyBalancer proxy) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 5000);
		this.sockets.add(socket);
		return socket;
	}

	private static void send(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
	}

	private static boolean trySend(Socket socket, String text) {
		try {
			send(socket, text);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Wait for the socket's timeout for the peer to close it.
	 */
	private static boolean closedByPeer(Socket socket) throws IOException {
		try {
			return socket.getInputStream().read() == -1;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (SocketException ex) {
			return true;
		}
	}

	private static String readAll(Socket socket) throws IOException {
		socket.setSoTimeout(10_000);
		return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
	}

	/**
	 * Read until the end of the stream or a reset, and return how many bytes came.
	 */
	private static long drain(InputStream in) throws IOException {
		byte[] buffer = new byte[64 * 1024];
		long total = 0;
		try {
			for (int count = in.read(buffer); count != -1; count = in.read(buffer)) {
				total += count;
			}
		}
		catch (SocketException ex) {
			// Reset by the proxy: what came before counts.
		}
		return total;
	}

}
