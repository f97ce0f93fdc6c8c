package io.github.bootconcurrency.autoconfigure.multijvm.worker.channel;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmTestApplication;
import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link WorkerHeartbeat}, in a real application with a real server, talking to
 * a stand-in for the master's channel on a real Unix domain socket: what a worker tells
 * its master, and when.
 */
@ExtendWith(OutputCaptureExtension.class)
@ResourceLock(value = Resources.SYSTEM_PROPERTIES, mode = ResourceAccessMode.READ_WRITE)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WorkerHeartbeatTests {

	private static final String JETTY = "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration";

	private static final String JETTY_MANAGEMENT = "org.springframework.boot.jetty.autoconfigure.actuate.web.server.JettyServletManagementContextAutoConfiguration";

	private final List<String> heartbeats = new CopyOnWriteArrayList<>();

	private ServerSocketChannel master;

	private ConfigurableApplicationContext application;

	@AfterEach
	void close() throws IOException {
		List.of(WorkerEnvironment.ID, WorkerEnvironment.MASTER_PID, WorkerEnvironment.CHANNEL, WorkerEnvironment.TOKEN,
				WorkerEnvironment.INHERIT_CHANNEL, WorkerEnvironment.HEARTBEAT_MILLIS)
			.forEach(System::clearProperty);
		if (this.application != null) {
			this.application.close();
		}
		if (this.master != null) {
			this.master.close();
		}
	}

	@Test
	void aWorkerSaysAtOnceWhenItIsReadyAndOnWhichPortThenThatItRefusesTrafficWhenItStops(@TempDir Path directory,
			CapturedOutput output) throws IOException {
		Path socket = listen(directory);
		// Worker 4, as the master makes one: by system properties only. Its master is
		// this
		// JVM's parent, which the worker watches and which outlives the test.
		long parent = ProcessHandle.current().parent().orElseThrow().pid();
		new WorkerEnvironment(4, parent, socket, "secret", false, Duration.ofMinutes(1)).properties()
			.forEach(System::setProperty);
		// A beat a minute: every beat this test sees comes from a change, not the clock.
		// On Tomcat: with both servers on the class path, a management port needs one.
		this.application = SpringApplication.run(MultiJvmTestApplication.class, "--server.port=0",
				"--management.server.port=0", "--spring.autoconfigure.exclude=" + JETTY + "," + JETTY_MANAGEMENT);
		int port = ((WebServerApplicationContext) this.application).getWebServer().getPort();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.heartbeats)
				.anyMatch((beat) -> beat.startsWith("4 secret HEARTBEAT 1 " + port + " ")));
		// The first beat, sent as the context started, said it was not ready yet.
		assertThat(this.heartbeats.get(0)).startsWith("4 secret HEARTBEAT 0 ");
		this.application.close();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.heartbeats.get(this.heartbeats.size() - 1))
				.startsWith("4 secret HEARTBEAT 0 " + port + " "));
		assertThat(output).doesNotContain("Cannot send a heartbeat");
	}

	/**
	 * Answer heartbeats as the master does, recording each request line.
	 */
	private Path listen(Path directory) throws IOException {
		Path socket = directory.resolve("master.sock");
		this.master = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		this.master.bind(UnixDomainSocketAddress.of(socket));
		Thread.ofVirtual().start(() -> {
			while (this.master.isOpen()) {
				try (SocketChannel connection = this.master.accept()) {
					InputStream in = Channels.newInputStream(connection);
					this.heartbeats.add(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
					connection.write(ByteBuffer.wrap("OK\n".getBytes(StandardCharsets.UTF_8)));
				}
				catch (IOException ex) {
					// Closed at the end of the test.
				}
			}
		});
		return socket;
	}

}
