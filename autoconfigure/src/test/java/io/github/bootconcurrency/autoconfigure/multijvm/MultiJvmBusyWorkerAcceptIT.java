package io.github.bootconcurrency.autoconfigure.multijvm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under {@code shared-socket}, a worker whose requests are at its cap leaves new
 * connections to a worker that has room, as a Gunicorn worker whose
 * {@code worker_connections} are taken stops accepting: the kernel alone would hand it
 * its share of them, to wait at its gate and be answered {@code 503} while the other
 * worker idles. With every worker at its cap, a new connection is still answered (a
 * {@code 503} after the queue timeout), not left in the backlog.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class MultiJvmBusyWorkerAcceptIT {

	private static final String TOMCAT = "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration";

	private static final String JETTY = "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration";

	private static final int CAP = 2;

	private static final Pattern HOLDING = Pattern.compile("\\[worker \\d+ pid (\\d+)\\] holding GET (\\S+)");

	private static final Pattern PID = Pattern.compile("\"pid\":(\\d+)");

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	private final List<Socket> held = new ArrayList<>();

	private final Map<Long, Integer> heldByPid = new HashMap<>();

	private int tags;

	@AfterEach
	void closeHeldConnections() throws IOException {
		for (Socket socket : this.held) {
			socket.close();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "Tomcat", "Jetty" })
	void aWorkerAtItsCapLeavesNewConnectionsToAWorkerWithRoom(String server) throws Exception {
		MasterProcess master = this.masters.start(Balancer.SHARED_SOCKET, 2,
				"--spring.autoconfigure.exclude=" + (server.equals("Tomcat") ? JETTY : TOMCAT),
				"--concurrency.multi-jvm.worker-model=virtual", "--concurrency.virtual.max-concurrent-requests=" + CAP,
				"--concurrency.virtual.queue-timeout=2s");
		master.awaitReady(2);
		List<Long> workers = master.readyPids();
		// Requests that never end, each on a connection of its own, until one worker
		// holds
		// as many as its cap: 3 at most between 2 workers.
		while (this.heldByPid.values().stream().noneMatch((count) -> count == CAP)) {
			hold(master);
		}
		long busy = this.heldByPid.entrySet().stream().filter((e) -> e.getValue() == CAP).findFirst().get().getKey();
		long other = workers.stream().filter((pid) -> pid != busy).findFirst().get();
		// The kernel alone gives about every other new connection to the busy worker.
		for (int i = 0; i < 8; i++) {
			String response = Http.getOnNewConnection(master.port(), "/where");
			assertThat(response).as("new connection %d, with worker %d at its cap", i, busy).startsWith("HTTP/1.1 200");
			assertThat(pid(response)).as("the worker that answered new connection %d", i).isEqualTo(other);
		}
		// Every worker at its cap: nobody has room, and a new connection is still taken
		// and answered at once past the queue timeout, not left waiting in the backlog.
		while (this.heldByPid.getOrDefault(other, 0) < CAP) {
			hold(master);
		}
		long start = System.nanoTime();
		String response = Http.getOnNewConnection(master.port(), "/where");
		assertThat(response).startsWith("HTTP/1.1 503").contains("Retry-After: 2");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
	}

	/**
	 * Send a request that the worker holds, on a connection of its own, and wait until a
	 * worker says that it holds it.
	 */
	private void hold(MasterProcess master) throws IOException {
		String tag = "busy-" + this.tags++;
		Socket socket = new Socket();
		this.held.add(socket);
		socket.connect(new InetSocketAddress("127.0.0.1", master.port()), 5_000);
		socket.getOutputStream()
			.write(("GET /hold?tag=" + tag + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
		String line = master.lines().await("holding GET " + tag, Duration.ofSeconds(30)).text();
		Matcher matcher = HOLDING.matcher(line);
		assertThat(matcher.find()).as(line).isTrue();
		this.heldByPid.merge(Long.parseLong(matcher.group(1)), 1, Integer::sum);
	}

	private static long pid(String response) {
		Matcher matcher = PID.matcher(response);
		assertThat(matcher.find()).as(response).isTrue();
		return Long.parseLong(matcher.group(1));
	}

}
