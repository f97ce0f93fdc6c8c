package io.github.bootconcurrency.benchmark.load;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on a free loopback port, with routes whose behaviour the tests
 * control, and counters of what it actually did, so that tests compare the tool's figures
 * with the server's rather than with numbers written in the test.
 * <ul>
 * <li>{@code /ok}: 200;</li>
 * <li>{@code /every-third-fails}: 500 for every third request, 200 otherwise;</li>
 * <li>{@code /sleep?ms=N}: 200 after N milliseconds;</li>
 * <li>{@code /chunked}: 200 with a chunked body;</li>
 * <li>{@code /close}: 200, then the server closes the connection.</li>
 * </ul>
 */
public final class TestServer implements AutoCloseable {

	static {
		// The JDK's server otherwise holds each small write of a response until the
		// client acknowledges the last one, up to its delayed ACK (40 ms on Linux): a
		// stall per request that no server under test has.
		System.setProperty("sun.net.httpserver.nodelay", "true");
	}

	private final HttpServer server;

	private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

	public final AtomicInteger requests = new AtomicInteger();

	final AtomicInteger served500 = new AtomicInteger();

	final AtomicInteger served200 = new AtomicInteger();

	final AtomicInteger inFlight = new AtomicInteger();

	final AtomicInteger peakInFlight = new AtomicInteger();

	private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

	public TestServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1000);
		this.server.setExecutor(this.executor);
		this.server.createContext("/ok", (exchange) -> answer(exchange, 200));
		this.server.createContext("/every-third-fails",
				(exchange) -> answer(exchange, (this.requests.get() % 3 == 0) ? 500 : 200));
		this.server.createContext("/chunked", (exchange) -> {
			this.requests.incrementAndGet();
			this.served200.incrementAndGet();
			this.clientPorts.add(exchange.getRemoteAddress().getPort());
			exchange.sendResponseHeaders(200, 0);
			try (OutputStream out = exchange.getResponseBody()) {
				for (int i = 0; i < 3; i++) {
					out.write(("part " + i + "\n").repeat(1000).getBytes(StandardCharsets.UTF_8));
					out.flush();
				}
			}
		});
		this.server.createContext("/close", (exchange) -> {
			exchange.getResponseHeaders().set("Connection", "close");
			answer(exchange, 200);
		});
		this.server.createContext("/sleep", (exchange) -> {
			String query = exchange.getRequestURI().getQuery();
			long millis = Long.parseLong(query.substring(query.indexOf('=') + 1));
			int now = this.inFlight.incrementAndGet();
			this.peakInFlight.accumulateAndGet(now, Math::max);
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.inFlight.decrementAndGet();
			}
			answer(exchange, 200);
		});
		this.server.start();
	}

	private void answer(HttpExchange exchange, int status) throws IOException {
		this.requests.incrementAndGet();
		this.clientPorts.add(exchange.getRemoteAddress().getPort());
		// Counted before answering: the client may read the counters as soon as it has
		// its response.
		((status == 500) ? this.served500 : this.served200).incrementAndGet();
		byte[] body = ("status " + status + "\n").getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(status, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	/** How many client connections (ports) sent requests that got a plain answer. */
	int connections() {
		return this.clientPorts.size();
	}

	public URI uri(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + pathAndQuery);
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
