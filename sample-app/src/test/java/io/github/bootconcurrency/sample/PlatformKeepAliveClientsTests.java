package io.github.bootconcurrency.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * More keep-alive clients than Tomcat's own connection limit (8192) under the platform
 * model's defaults, against the sample app in its own JVM: once they are all connected
 * and idle, a new client is still served at once, instead of waiting in the backlog until
 * another client's idle connection times out. The keep-alive timeout is raised to two
 * minutes so that such a wait cannot end inside the new client's read timeout.
 */
class PlatformKeepAliveClientsTests {

	private static final int IDLE_CLIENTS = 9_000;

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

	private final List<Socket> clients = new ArrayList<>();

	private Process app;

	private Path log;

	@AfterEach
	void stop() throws Exception {
		for (Socket client : this.clients) {
			client.close();
		}
		if (this.app != null) {
			this.app.destroy();
			if (!this.app.waitFor(15, TimeUnit.SECONDS)) {
				this.app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		if (this.log != null) {
			Files.deleteIfExists(this.log);
		}
	}

	@Test
	void aNewClientIsServedWhileMoreIdleKeepAliveClientsThanTomcatsDefaultLimitStayConnected() throws Exception {
		int port = start("--concurrency.model=platform", "--concurrency.keep-alive-timeout=2m");
		for (int i = 0; i < IDLE_CLIENTS; i++) {
			Socket client = new Socket();
			this.clients.add(client);
			client.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
			client.setSoTimeout(30_000);
			assertThat(hello(client)).as("client %d", i).startsWith("HTTP/1.1 200");
		}
		try (Socket late = new Socket()) {
			late.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
			// Served at once, or not before the idle clients' two minutes are up.
			late.setSoTimeout(30_000);
			assertThat(hello(late)).startsWith("HTTP/1.1 200");
		}
		Matcher limit = Pattern.compile("max-connections=(\\d+)").matcher(Files.readString(this.log));
		assertThat(limit.find()).as("the startup line's max-connections").isTrue();
		assertThat(Integer.parseInt(limit.group(1))).isGreaterThan(IDLE_CLIENTS);
	}

	private int start(String... arguments) throws Exception {
		this.log = Files.createTempFile("keep-alive-clients", ".log");
		List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
				System.getProperty("java.class.path"), SampleApplication.class.getName(), "--server.port=0",
				"--server.address=127.0.0.1", "--debug=false"));
		command.addAll(List.of(arguments));
		this.app = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(this.log.toFile()).start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
		while (System.nanoTime() < deadline && this.app.isAlive()) {
			Matcher matcher = PORT.matcher(Files.readString(this.log));
			if (matcher.find()) {
				return Integer.parseInt(matcher.group(1));
			}
			Thread.sleep(200);
		}
		throw new AssertionError("The app did not start within 90 s:\n" + Files.readString(this.log));
	}

	/**
	 * Send a keep-alive request and read its response to the end of its body, leaving the
	 * connection open.
	 */
	private static String hello(Socket socket) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		out.flush();
		InputStream in = socket.getInputStream();
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("Connection closed after: " + head);
			}
			head.append((char) b);
		}
		Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
		if (!length.find()) {
			throw new IOException("No Content-Length in: " + head);
		}
		in.readNBytes(Integer.parseInt(length.group(1)));
		return head.toString();
	}

}
