package io.github.bootconcurrency.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.ChildTempDir;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.ProcessOutput;
import io.github.bootconcurrency.autoconfigure.testsupport.Reaper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * More keep-alive clients than Tomcat's own connection limit (8192) under the platform
 * model's defaults, against the sample app in its own JVM: once they are all connected
 * and idle, a new client is still served at once, instead of waiting in the backlog until
 * another client's idle connection times out. The keep-alive timeout is raised to two
 * minutes so that such a wait cannot end inside the new client's read timeout.
 *
 * <p>
 * The app is a child JVM watched by the {@link Reaper}; its port is read from its output,
 * as the line comes. Every socket operation has a timeout; the class's timeout is a
 * backstop above them.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
// Alone: 9,000 sockets from this JVM, near its open-file limit.
@Isolated
class PlatformKeepAliveClientsIT {

	private static final int IDLE_CLIENTS = 9_000;

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

	private final List<Socket> clients = new ArrayList<>();

	private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(90);

	private Process app;

	private ProcessOutput output;

	private final ChildTempDir temp = ChildTempDir.create();

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
			if (!this.app.isAlive()) {
				Reaper.forget(this.app.toHandle());
				this.temp.remove();
			}
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
		Matcher limit = Pattern.compile("max-connections=(\\d+)").matcher(this.output.text());
		assertThat(limit.find()).as("the startup line's max-connections").isTrue();
		assertThat(Integer.parseInt(limit.group(1))).isGreaterThan(IDLE_CLIENTS);
	}

	private int start(String... arguments) throws Exception {
		List<String> command = new ArrayList<>(List.of(MasterProcess.java()));
		command.addAll(MasterProcess.TEST_JVM_OPTIONS);
		command.add(this.temp.jvmOption());
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), SampleApplication.class.getName(),
				"--server.port=0", "--server.address=127.0.0.1", "--debug=false"));
		command.addAll(List.of(arguments));
		this.app = new ProcessBuilder(command).redirectErrorStream(true).start();
		Reaper.watch(this.app.toHandle());
		this.output = ProcessOutput.of("the sample app (pid " + this.app.pid() + ")", this.app);
		// Fails with the app's last lines if the line does not come in time, or the app
		// exits.
		Matcher port = PORT.matcher(this.output.await(PORT, 1, BOOT_TIMEOUT).text());
		assertThat(port.find()).isTrue();
		return Integer.parseInt(port.group(1));
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
