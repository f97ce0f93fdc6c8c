package io.github.bootconcurrency.benchmark.load;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "10,000 keep-alive clients at once" is judged on the suite's hello-at-once
 * step. This proves, on a raw server socket, that the default client's at-once run is
 * made of keep-alive clients: every request comes on its own connection, without
 * {@code Connection: close}, and every connection is still open when the last answer goes
 * out.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class KeepAliveAtOnceTests {

	private static final int CLIENTS = 20;

	@Test
	void atOnceRunHoldsEveryConnectionOpenAsKeepAliveUntilTheLastAnswer() throws Exception {
		try (ServerSocket server = new ServerSocket(0, CLIENTS, InetAddress.getLoopbackAddress())) {
			URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/hello");
			LoadEngine engine = new LoadEngine(Duration.ofSeconds(10), Duration.ofSeconds(10), ProgressPrinter.silent(),
					LoadClient.Kind.SOCKET);
			CompletableFuture<LoadResult> run = CompletableFuture
				.supplyAsync(() -> engine.atOnce(uri, CLIENTS, Duration.ofSeconds(20)));
			List<Socket> connections = new ArrayList<>();
			List<String> heads = new ArrayList<>();
			server.setSoTimeout(10_000);
			for (int i = 0; i < CLIENTS; i++) {
				Socket socket = server.accept();
				connections.add(socket);
				heads.add(head(socket));
			}
			assertThat(heads)
				.allSatisfy((head) -> assertThat(head.toLowerCase(Locale.ROOT)).startsWith("get /hello http/1.1")
					.doesNotContain("connection: close"));
			for (int i = 0; i < CLIENTS - 1; i++) {
				answer(connections.get(i));
			}
			for (int i = 0; i < CLIENTS - 1; i++) {
				assertThat(stillOpen(connections.get(i))).as("connection %d after its answer", i).isTrue();
			}
			answer(connections.get(CLIENTS - 1));
			// Bounded past the run's own deadline of 20 s.
			LoadResult result = run.get(30, TimeUnit.SECONDS);
			assertThat(result.successes()).isEqualTo(CLIENTS);
			for (Socket socket : connections) {
				socket.close();
			}
		}
	}

	private static String head(Socket socket) throws IOException {
		socket.setSoTimeout(10_000);
		InputStream in = socket.getInputStream();
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				break;
			}
			head.append((char) b);
		}
		return head.toString();
	}

	private static void answer(Socket socket) throws IOException {
		socket.getOutputStream()
			.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().flush();
	}

	/** Open: a read waits for more; closed by the client: a read ends. */
	private static boolean stillOpen(Socket socket) throws IOException {
		socket.setSoTimeout(100);
		try {
			return socket.getInputStream().read() != -1;
		}
		catch (SocketTimeoutException ex) {
			return true;
		}
	}

}
