package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpResponse;
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
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker's actuator endpoints when its master cannot answer, in a real application with
 * a real server, against stand-ins for the master on a real Unix domain socket: one that
 * accepts and never answers (a master stopped with {@code SIGSTOP}, or hung), one that
 * answers what no master would. Every request ends, with {@code 503} and the reason.
 */
@ResourceLock(value = Resources.SYSTEM_PROPERTIES, mode = ResourceAccessMode.READ_WRITE)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WorkerEndpointsMasterTroubleTests {

	private static final String JETTY = "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration";

	private final List<SocketChannel> held = new CopyOnWriteArrayList<>();

	private ServerSocketChannel master;

	private ConfigurableApplicationContext application;

	@TempDir
	Path directory;

	@AfterEach
	void close() throws IOException {
		if (this.application != null) {
			this.application.close();
		}
		for (SocketChannel connection : this.held) {
			connection.close();
		}
		if (this.master != null) {
			this.master.close();
		}
		List.of(WorkerEnvironment.ID, WorkerEnvironment.MASTER_PID, WorkerEnvironment.CHANNEL, WorkerEnvironment.TOKEN,
				WorkerEnvironment.INHERIT_CHANNEL, WorkerEnvironment.HEARTBEAT_MILLIS)
			.forEach(System::clearProperty);
	}

	@Test
	void concurrencyEndpointAnswers503WithTheReasonWhenTheMasterIsSilent() throws Exception {
		int port = start(listen(null));
		HttpResponse<String> response = Http.get(port, "/actuator/concurrency");
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.body()).contains("did not answer STATUS within").contains("\"requests\"");
		HttpResponse<String> control = Http.post(port, "/actuator/concurrency", "{\"reload\": true}");
		assertThat(control.statusCode()).isEqualTo(503);
		assertThat(control.body()).contains("did not answer RELOAD within");
	}

	@Test
	void concurrencyEndpointAnswers503WithTheReasonWhenTheMasterAnswersGarbage() throws Exception {
		int port = start(listen("OK\nworker x y\ntarget many\n"));
		HttpResponse<String> response = Http.get(port, "/actuator/concurrency");
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.body()).contains("answer to STATUS is not one this worker can read");
		HttpResponse<String> control = Http.post(port, "/actuator/concurrency", "{\"workers\": 2}");
		assertThat(control.statusCode()).isEqualTo(503);
		assertThat(control.body()).contains("answer to SCALE is not one this worker can read");
	}

	@Test
	void prometheusScrapeAnswers503WithTheReasonWhenTheMasterIsSilent() throws Exception {
		int port = start(listen(null));
		HttpResponse<String> response = Http.get(port, "/actuator/prometheus");
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.body()).contains("did not answer SCRAPE within");
		assertThat(response.headers().firstValue("Retry-After")).contains("5");
	}

	private int start(Path socket) {
		// A worker, as the master makes one: by system properties only. Its master is
		// this JVM's parent, which the worker watches and which outlives the test. A beat
		// a minute keeps the heartbeat out of the way.
		long parent = ProcessHandle.current().parent().orElseThrow().pid();
		new WorkerEnvironment(5, parent, socket, "secret", false, Duration.ofMinutes(1)).properties()
			.forEach(System::setProperty);
		this.application = SpringApplication.run(MultiJvmTestApplication.class, "--server.port=0",
				"--spring.autoconfigure.exclude=" + JETTY,
				"--management.endpoints.web.exposure.include=concurrency,prometheus",
				"--management.endpoint.concurrency.access=unrestricted");
		return ((WebServerApplicationContext) this.application).getWebServer().getPort();
	}

	/**
	 * A stand-in master that writes an answer to every connection, or, without one, holds
	 * every connection and never answers.
	 */
	private Path listen(String answer) throws IOException {
		Path socket = this.directory.resolve("master.sock");
		this.master = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		this.master.bind(UnixDomainSocketAddress.of(socket));
		Thread.ofVirtual().start(() -> {
			while (this.master.isOpen()) {
				try {
					SocketChannel connection = this.master.accept();
					if (answer == null) {
						this.held.add(connection);
						continue;
					}
					try (connection) {
						// As the master does: read the request, then answer.
						Channels.newInputStream(connection).readAllBytes();
						connection.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
					}
				}
				catch (IOException ex) {
					// Closed at the end of the test.
				}
			}
		});
		return socket;
	}

}
