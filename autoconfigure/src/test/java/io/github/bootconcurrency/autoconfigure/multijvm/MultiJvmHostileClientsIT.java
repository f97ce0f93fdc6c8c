package io.github.bootconcurrency.autoconfigure.multijvm;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile and unlucky clients at a real master's port, under the {@code proxy} balancer,
 * with a real worker JVM behind it: a bounded slowloris attack on loopback, then a client
 * that never reads its response.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
// Alone: 2,000 attack connections from this JVM, and the times it measures.
@Isolated
class MultiJvmHostileClientsIT {

	private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration KEEP_ALIVE = Duration.ofSeconds(5);

	/**
	 * Longest a /hello may take during the attack: more than a 2-core machine at load 15
	 * needs, less than one held up by the attack's connections would wait, which is at
	 * least until the master cuts them, a header timeout, and then some.
	 */
	private static final Duration HELLO_WITHIN = HEADER_TIMEOUT.multipliedBy(2);

	/**
	 * Latest the master may close an attack connection: without the header timeout, the
	 * attack's byte every 2 to 3 seconds would keep it open to the attack's own end, 10
	 * seconds later at the earliest (and not counted then); a loaded machine's late
	 * timers and the attack's 100 ms rounds over 2,000 connections get the rest.
	 */
	private static final Duration ATTACK_CLOSED_WITHIN = HEADER_TIMEOUT.multipliedBy(3);

	/**
	 * Attack connections opened per tick of {@link #TICK}: 200 a second.
	 */
	private static final int OPENED_PER_TICK = 20;

	private static final Duration TICK = Duration.ofMillis(100);

	private static final int ATTACK_CONNECTIONS = 2000;

	private static final int LARGE_MEGABYTES = 64;

	private static final String JETTY = "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration";

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	private MasterProcess master;

	@Test
	void slowHeadersAreCutOffAndANeverReadingClientIsClosedWhileHelloStillAnswersAtOnce() throws Exception {
		this.master = this.masters.start(Balancer.PROXY, 1,
				"--concurrency.multi-jvm.request-header-timeout=" + HEADER_TIMEOUT.toMillis() + "ms",
				"--concurrency.keep-alive-timeout=" + KEEP_ALIVE.toSeconds() + "s",
				// Tomcat, whose own write to the master does not time out within the test
				// (Jetty's would, after its idle timeout, the keep-alive timeout).
				"--spring.autoconfigure.exclude=" + JETTY);
		this.master.awaitReady(1);
		assertThat(hello()).satisfies(this::answeredInTime);
		long baseline = openFileDescriptors();
		Slowloris attack = new Slowloris(this.master.port());
		// Filled by the probe's thread, asserted on here: a failure there is recorded,
		// never thrown where no one sees it.
		List<Hello> hellos = new CopyOnWriteArrayList<>();
		List<Long> descriptors = new CopyOnWriteArrayList<>();
		List<String> probeFailures = new CopyOnWriteArrayList<>();
		Thread probe = Thread.ofPlatform().name("hello-probe").start(() -> {
			try {
				while (!attack.finished()) {
					descriptors.add(openFileDescriptors());
					hellos.add(hello());
					// Paces the probe, which would otherwise add its own load.
					Thread.sleep(250);
				}
			}
			catch (Exception ex) {
				probeFailures.add(ex.toString());
			}
		});
		attack.run();
		probe.join(Http.TIMEOUT.plusSeconds(10));
		assertThat(probe.isAlive()).as("the probe still runs after the attack").isFalse();
		assertThat(probeFailures).as("what stopped the probe").isEmpty();
		assertThat(hellos).as("/hello during the attack").hasSizeGreaterThan(10).allSatisfy(this::answeredInTime);
		// Without the header timeout every attack connection stays: 2,000 and more.
		assertThat(descriptors).as("the master's open files during the attack, %d before it", baseline)
			.allSatisfy((count) -> assertThat(count).isLessThan(baseline + 1000));
		assertThat(attack.opened).isEqualTo(ATTACK_CONNECTIONS);
		assertThat(attack.open()).as("attack connections the master never closed").isZero();
		assertThat(attack.openFor).as("how long the master kept each attack connection")
			.allSatisfy((open) -> assertThat(open).isBetween(HEADER_TIMEOUT.minusMillis(300), ATTACK_CLOSED_WITHIN));

		// A client that asks for 64 MB and never reads: once every buffer on the way is
		// full, the master's write to it stalls, and is given up after the keep-alive
		// timeout, which the client sees as the master's end of the connection leaving
		// the ESTABLISHED state.
		try (Socket stalled = new Socket()) {
			stalled.setReceiveBufferSize(16 * 1024);
			stalled.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.master.port()), 5000);
			long asked = System.nanoTime();
			stalled.getOutputStream()
				.write(("GET /megabytes?count=" + LARGE_MEGABYTES + " HTTP/1.1\r\nHost: test\r\n\r\n")
					.getBytes(StandardCharsets.ISO_8859_1));
			await().atMost(KEEP_ALIVE.plus(Http.TIMEOUT))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> !established(this.master.port(), stalled.getLocalPort()));
			assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("when the master gave up the stalled write")
				.isGreaterThanOrEqualTo(KEEP_ALIVE.minusMillis(500));
			stalled.setSoTimeout(20_000);
			assertThat(drain(stalled.getInputStream())).as("bytes the client got before the master closed")
				.isLessThan(LARGE_MEGABYTES * 1024L * 1024L);
		}
		assertThat(hello()).satisfies(this::answeredInTime);
	}

	private void answeredInTime(Hello hello) {
		assertThat(hello.status()).as("status of /hello, %s", hello).isEqualTo(200);
		assertThat(hello.took()).as("time of /hello, %s", hello).isLessThan(HELLO_WITHIN);
	}

	/**
	 * GET /hello on a fresh connection: what came back, and how long it took. A failure
	 * is returned, never thrown, so that the probe's thread keeps every outcome.
	 */
	private Hello hello() {
		long started = System.nanoTime();
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.master.port()), 5000);
			socket.setSoTimeout(10_000);
			socket.getOutputStream()
				.write("GET /hello HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
					.getBytes(StandardCharsets.ISO_8859_1));
			String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			int status = response.startsWith("HTTP/1.1 ") ? Integer.parseInt(response.substring(9, 12)) : -1;
			return new Hello(status, took, response.endsWith("hello") ? null : "answered: " + response);
		}
		catch (IOException ex) {
			return new Hello(-1, Duration.ofNanos(System.nanoTime() - started), ex.toString());
		}
	}

	/**
	 * One /hello.
	 *
	 * @param status its status, or -1 if none came
	 * @param took how long it took
	 * @param failure what was wrong with it, or {@code null}
	 */
	private record Hello(int status, Duration took, String failure) {

		@Override
		public String toString() {
			return "status " + this.status + " in " + this.took.toMillis() + " ms"
					+ ((this.failure != null) ? ": " + this.failure : "");
		}

	}

	/**
	 * Whether the master's end of a connection from a local port is still ESTABLISHED,
	 * from the kernel's table of TCP sockets.
	 */
	private static boolean established(int masterPort, int clientPort) throws IOException {
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			for (String line : Files.readAllLines(Path.of(table))) {
				String[] fields = line.trim().split("\\s+");
				// local and remote addresses are ADDRESS:PORT in hex; state 01 is
				// ESTABLISHED.
				if (fields.length > 3 && fields[1].endsWith(String.format(":%04X", masterPort))
						&& fields[2].endsWith(String.format(":%04X", clientPort))) {
					return "01".equals(fields[3]);
				}
			}
		}
		return false;
	}

	private long openFileDescriptors() throws IOException {
		try (Stream<Path> fds = Files.list(Path.of("/proc/" + this.master.process().pid() + "/fd"))) {
			return fds.count();
		}
	}

	private static long drain(InputStream in) throws IOException {
		byte[] buffer = new byte[64 * 1024];
		long total = 0;
		try {
			for (int count = in.read(buffer); count != -1; count = in.read(buffer)) {
				total += count;
			}
		}
		catch (SocketException ex) {
			// Reset by the master: what came before counts.
		}
		return total;
	}

	/**
	 * A slowloris, bounded: 2,000 connections opened at 200 a second, each sending the
	 * start of a request header, then one more byte every 2 to 3 seconds, never the end
	 * of it. It runs until every connection is closed by the master, or for at most 20
	 * seconds.
	 */
	private static final class Slowloris {

		private static final Duration MAX_DURATION = Duration.ofSeconds(20);

		private final InetSocketAddress address;

		private final List<Connection> connections = new ArrayList<>();

		private final List<Duration> openFor = new ArrayList<>();

		private volatile boolean finished;

		private int opened;

		Slowloris(int port) {
			this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
		}

		void run() throws IOException, InterruptedException {
			long started = System.nanoTime();
			try {
				while (System.nanoTime() - started < MAX_DURATION.toNanos()
						&& (this.opened < ATTACK_CONNECTIONS || open() > 0)) {
					long tick = System.nanoTime();
					for (int i = 0; i < OPENED_PER_TICK && this.opened < ATTACK_CONNECTIONS; i++) {
						this.connections.add(new Connection(SocketChannel.open(this.address)));
						this.opened++;
					}
					this.connections.removeIf(this::closedByMaster);
					long left = TICK.toNanos() - (System.nanoTime() - tick);
					if (left > 0) {
						Thread.sleep(Duration.ofNanos(left));
					}
				}
			}
			finally {
				this.finished = true;
				for (Connection connection : this.connections) {
					connection.channel.close();
				}
			}
		}

		boolean finished() {
			return this.finished;
		}

		int open() {
			return this.connections.size();
		}

		/**
		 * Send the next byte if it is due, and tell whether the master closed the
		 * connection.
		 */
		private boolean closedByMaster(Connection connection) {
			try {
				if (connection.channel.read(ByteBuffer.allocate(256)) == -1) {
					return closed(connection);
				}
				if (System.nanoTime() >= connection.nextByteAt) {
					connection.channel.write(ByteBuffer.wrap(new byte[] { 'a' }));
					connection.nextByteAt = System.nanoTime()
							+ Duration.ofMillis(ThreadLocalRandom.current().nextLong(2000, 3000)).toNanos();
				}
				return false;
			}
			catch (IOException ex) {
				return closed(connection);
			}
		}

		private boolean closed(Connection connection) {
			this.openFor.add(Duration.ofNanos(System.nanoTime() - connection.openedAt));
			try {
				connection.channel.close();
			}
			catch (IOException ex) {
				// Closed already.
			}
			return true;
		}

	}

	private static final class Connection {

		private final SocketChannel channel;

		private final long openedAt = System.nanoTime();

		private long nextByteAt;

		Connection(SocketChannel channel) throws IOException {
			this.channel = channel;
			channel.write(ByteBuffer
				.wrap("GET /hello HTTP/1.1\r\nHost: test\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1)));
			channel.configureBlocking(false);
			this.nextByteAt = System.nanoTime() + Duration.ofMillis(2000).toNanos();
		}

	}

}
