package io.github.bootconcurrency.autoconfigure.multijvm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A slowloris at a real master's port under the {@code shared-socket} balancer, where the
 * workers' own servers accept the clients and the master's listener (and its header
 * timeout, under {@code proxy}: {@code MultiJvmHostileClientsIT}) is not in the way: each
 * worker closes a connection whose request header is not complete within
 * {@code concurrency.multi-jvm.request-header-timeout} of its first byte, on a new
 * connection and on a kept-alive one, while other clients are answered and connections
 * idle between requests or silent stay open; and it holds no more connections than its
 * {@code concurrency.max-connections}, as the servers' own accept loops apply it on the
 * inherited socket too.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MultiJvmSlowlorisIT {

	static final String TOMCAT = "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration";

	static final String JETTY = "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration";

	static final Duration HEADER_TIMEOUT = Duration.ofSeconds(2);

	/**
	 * Latest a worker may close a slow connection after the first byte of its header: the
	 * timeout, a sweep of the worker's check and the attack's own rounds, with room for a
	 * 2-core machine at load 15. Without the timeout the attack's byte every 500 ms keeps
	 * every connection open until the attack gives up.
	 */
	static final Duration CLOSED_WITHIN = HEADER_TIMEOUT.multipliedBy(3);

	/**
	 * Longest the attack runs: well past {@link #CLOSED_WITHIN}.
	 */
	static final Duration ATTACK_AT_MOST = Duration.ofSeconds(20);

	private static final Duration BYTE_EVERY = Duration.ofMillis(500);

	private static final int NEW_CONNECTIONS = 50;

	static final int KEPT_ALIVE_CONNECTIONS = 5;

	/**
	 * A worker's concurrency.max-connections in the cap's case.
	 */
	private static final int CAP = 10;

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "Tomcat", "Jetty" })
	void aWorkerClosesEveryConnectionWhoseHeaderIsLateAndStillAnswers(String server) throws Exception {
		String otherServer = server.equals("Tomcat") ? JETTY : TOMCAT;
		MasterProcess master = this.masters.start(Balancer.SHARED_SOCKET, 1,
				"--concurrency.multi-jvm.request-header-timeout=" + HEADER_TIMEOUT.toMillis() + "ms",
				// Longer than the attack: the server's own idle timeout never closes a
				// connection that sends a byte every 500 ms anyway.
				"--concurrency.keep-alive-timeout=60s", "--spring.autoconfigure.exclude=" + otherServer);
		master.awaitReady(1);
		InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), master.port());
		assertThat(hello(address)).isEqualTo(200);
		List<Slow> attack = new ArrayList<>();
		// Connections between two requests, or that have sent nothing yet, are the idle
		// timeout's (a minute here), never the header timeout's.
		SocketChannel idleAfterARequest = SocketChannel.open(address);
		SocketChannel silent = SocketChannel.open(address);
		try {
			assertThat(exchange(idleAfterARequest)).startsWith("HTTP/1.1 200");
			for (int i = 0; i < KEPT_ALIVE_CONNECTIONS; i++) {
				attack.add(Slow.afterARequest(address));
			}
			for (int i = 0; i < NEW_CONNECTIONS; i++) {
				attack.add(Slow.fresh(address));
			}
			List<Integer> answered = new CopyOnWriteArrayList<>();
			Thread probe = Thread.ofPlatform().name("hello-probe").start(() -> answered.add(hello(address)));
			dribble(attack);
			probe.join(Duration.ofSeconds(30));
			assertThat(answered).as("/hello during the attack").containsExactly(200);
			assertThat(exchange(idleAfterARequest)).as("a request on a connection idle for the whole attack")
				.startsWith("HTTP/1.1 200");
			assertThat(exchange(silent)).as("a request on a connection silent for the whole attack")
				.startsWith("HTTP/1.1 200");
		}
		finally {
			for (Slow slow : attack) {
				slow.channel.close();
			}
			idleAfterARequest.close();
			silent.close();
		}
		assertEachClosedInTime(attack);
		assertThat(hello(address)).isEqualTo(200);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "Tomcat", "Jetty" })
	void aWorkerHoldsNoMoreConnectionsThanItsCap(String server) throws Exception {
		String otherServer = server.equals("Tomcat") ? JETTY : TOMCAT;
		MasterProcess master = this.masters.start(Balancer.SHARED_SOCKET, 1, "--concurrency.platform.max-threads=8",
				"--concurrency.max-connections=" + CAP, "--concurrency.keep-alive-timeout=60s",
				"--spring.autoconfigure.exclude=" + otherServer);
		master.awaitReady(1);
		long worker = master.livePids().get(0);
		InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), master.port());
		List<SocketChannel> idle = new ArrayList<>();
		try {
			// Connections that send nothing: only the cap keeps the worker from taking
			// them all; the others wait in the listen backlog, connected as far as the
			// client can tell.
			for (int i = 0; i < 2 * CAP; i++) {
				idle.add(SocketChannel.open(address));
			}
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> connectionsHeldBy(worker, master.port()) >= CAP);
			// An acceptor already waiting in accept() may take one more as the cap is
			// reached.
			await().during(Duration.ofSeconds(2))
				.atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(100))
				.untilAsserted(() -> assertThat(connectionsHeldBy(worker, master.port()))
					.as("connections the worker holds, with a cap of %d and %d open", CAP, 2 * CAP)
					.isLessThanOrEqualTo(CAP + 1));
		}
		finally {
			for (SocketChannel channel : idle) {
				channel.close();
			}
		}
		assertThat(hello(address)).isEqualTo(200);
	}

	/**
	 * Return how many connections to a port a process holds: the sockets among its file
	 * descriptors that the kernel's table of TCP sockets lists as ESTABLISHED on that
	 * local port. A connection the process has not accepted is in none of its
	 * descriptors.
	 */
	private static long connectionsHeldBy(long pid, int port) throws IOException {
		Set<String> inodes = new HashSet<>();
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			for (String line : Files.readAllLines(Path.of(table))) {
				String[] fields = line.trim().split("\\s+");
				// The local address is ADDRESS:PORT in hex; state 01 is ESTABLISHED; the
				// tenth field is the socket's inode.
				if (fields.length > 9 && fields[1].endsWith(String.format(":%04X", port)) && "01".equals(fields[3])) {
					inodes.add("socket:[" + fields[9] + "]");
				}
			}
		}
		long held = 0;
		try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
			for (Path descriptor : descriptors) {
				try {
					if (inodes.contains(Files.readSymbolicLink(descriptor).toString())) {
						held++;
					}
				}
				catch (IOException ex) {
					// Closed since it was listed.
				}
			}
		}
		return held;
	}

	/**
	 * Send each connection a byte of its header every 500 ms until the worker closes them
	 * all, or for at most {@link #ATTACK_AT_MOST}.
	 */
	/**
	 * Assert that the worker closed every connection of an attack, each no sooner than
	 * the header timeout after its first byte and no later than {@link #CLOSED_WITHIN}.
	 */
	static void assertEachClosedInTime(List<Slow> attack) {
		assertThat(attack)
			.as("connections the worker kept for the whole attack (at most %ss)", ATTACK_AT_MOST.toSeconds())
			.filteredOn((slow) -> slow.closedAfter == null)
			.isEmpty();
		assertThat(attack).as("when the worker closed each connection")
			.allSatisfy((slow) -> assertThat(slow.closedAfter).as(slow.toString())
				.isBetween(HEADER_TIMEOUT.minusMillis(300), CLOSED_WITHIN));
	}

	static void dribble(List<Slow> attack) throws InterruptedException {
		long started = System.nanoTime();
		List<Slow> open = new ArrayList<>(attack);
		// Twice the timeout at least, so that a connection closed for its header
		// wrongly, the quiet ones', would have been.
		while ((!open.isEmpty() || System.nanoTime() - started < HEADER_TIMEOUT.multipliedBy(2).toNanos())
				&& System.nanoTime() - started < ATTACK_AT_MOST.toNanos()) {
			open.removeIf(Slow::closedByWorker);
			Thread.sleep(100);
		}
	}

	/**
	 * GET /hello on a connection in blocking mode, kept open.
	 * @return the response
	 */
	static String exchange(SocketChannel channel) throws IOException {
		channel
			.write(ByteBuffer.wrap("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
		StringBuilder response = new StringBuilder();
		ByteBuffer buffer = ByteBuffer.allocate(4096);
		// A channel's read has no timeout: the worker answers /hello at once, and the
		// class's timeout bounds the rest.
		while (!response.toString().endsWith("hello")) {
			buffer.clear();
			if (channel.read(buffer) == -1) {
				return response + "[closed by the worker]";
			}
			response.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1));
		}
		return response.toString();
	}

	/**
	 * GET /hello on a connection of its own.
	 * @return the status, or -1 if none came
	 */
	static int hello(InetSocketAddress address) {
		try (Socket socket = new Socket()) {
			socket.connect(address, 5000);
			socket.setSoTimeout(20_000);
			socket.getOutputStream()
				.write("GET /hello HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
					.getBytes(StandardCharsets.ISO_8859_1));
			String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
			return (response.startsWith("HTTP/1.1 ") && response.endsWith("hello"))
					? Integer.parseInt(response.substring(9, 12)) : -1;
		}
		catch (IOException ex) {
			return -1;
		}
	}

	/**
	 * One connection of the attack, which has sent the start of a request header, or a
	 * blank line.
	 */
	static final class Slow {

		private static final byte[] HEADER_START = "GET /hello HTTP/1.1\r\nHost: test\r\nX-Slow: "
			.getBytes(StandardCharsets.ISO_8859_1);

		private static final byte[] BLANK_LINE = "\r\n".getBytes(StandardCharsets.ISO_8859_1);

		final SocketChannel channel;

		private final boolean keptAlive;

		private final byte[] every;

		private final long firstByteAt;

		private long nextByteAt;

		Duration closedAfter;

		private Slow(SocketChannel channel, boolean keptAlive, byte[] first, byte[] every) throws IOException {
			this.channel = channel;
			this.keptAlive = keptAlive;
			this.every = every;
			this.firstByteAt = System.nanoTime();
			channel.write(ByteBuffer.wrap(first));
			channel.configureBlocking(false);
			this.nextByteAt = this.firstByteAt + BYTE_EVERY.toNanos();
		}

		/**
		 * A new connection, whose first request is slow.
		 */
		static Slow fresh(InetSocketAddress address) throws IOException {
			return new Slow(SocketChannel.open(address), false, HEADER_START, new byte[] { 'a' });
		}

		/**
		 * A new connection that sends a blank line every 500 ms and never a request.
		 */
		static Slow blankLines(InetSocketAddress address) throws IOException {
			return new Slow(SocketChannel.open(address), false, BLANK_LINE, BLANK_LINE);
		}

		/**
		 * A connection that is answered a request first, then sends a blank line every
		 * 500 ms and never another request.
		 */
		static Slow blankLinesAfterARequest(InetSocketAddress address) throws IOException {
			SocketChannel channel = SocketChannel.open(address);
			assertThat(exchange(channel)).startsWith("HTTP/1.1 200");
			return new Slow(channel, true, BLANK_LINE, BLANK_LINE);
		}

		/**
		 * A connection that is answered a request first, then kept alive, and whose next
		 * request is slow.
		 */
		static Slow afterARequest(InetSocketAddress address) throws IOException {
			SocketChannel channel = SocketChannel.open(address);
			assertThat(exchange(channel)).startsWith("HTTP/1.1 200");
			return new Slow(channel, true, HEADER_START, new byte[] { 'a' });
		}

		/**
		 * Send the next byte if it is due, and tell whether the worker closed the
		 * connection.
		 */
		boolean closedByWorker() {
			try {
				if (this.channel.read(ByteBuffer.allocate(1024)) == -1) {
					return closed();
				}
				if (System.nanoTime() >= this.nextByteAt) {
					this.channel.write(ByteBuffer.wrap(this.every));
					this.nextByteAt += BYTE_EVERY.toNanos();
				}
				return false;
			}
			catch (IOException ex) {
				return closed();
			}
		}

		private boolean closed() {
			this.closedAfter = Duration.ofNanos(System.nanoTime() - this.firstByteAt);
			return true;
		}

		@Override
		public String toString() {
			return (this.keptAlive ? "a kept-alive connection" : "a new connection") + ((this.closedAfter != null)
					? ", closed " + this.closedAfter.toMillis() + " ms after its header's first byte" : ", still open");
		}

	}

}
