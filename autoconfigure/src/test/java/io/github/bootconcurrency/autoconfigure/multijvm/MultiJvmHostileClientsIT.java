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
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and unlucky clients at a real master's port, under the {@code proxy} balancer,
 * with a real worker JVM behind it: a bounded slowloris attack on loopback, then a client
 * that never reads its response.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MultiJvmHostileClientsIT {

	private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration KEEP_ALIVE = Duration.ofSeconds(5);

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
		assertThat(hello()).isLessThan(Duration.ofSeconds(10));
		long baseline = openFileDescriptors();
		Slowloris attack = new Slowloris(this.master.port());
		List<Duration> helloTimes = new CopyOnWriteArrayList<>();
		List<Long> descriptors = new CopyOnWriteArrayList<>();
		Thread probe = Thread.ofPlatform().name("hello-probe").start(() -> {
			while (!attack.finished()) {
				try {
					descriptors.add(openFileDescriptors());
					helloTimes.add(hello());
					Thread.sleep(250);
				}
				catch (Exception ex) {
					helloTimes.add(Duration.ofDays(1));
					return;
				}
			}
		});
		attack.run();
		probe.join(Duration.ofSeconds(30));
		assertThat(helloTimes).as("/hello during the attack")
			.hasSizeGreaterThan(10)
			.allSatisfy((time) -> assertThat(time).isLessThan(Duration.ofSeconds(1)));
		// Without the header timeout every attack connection stays: 2,000 and more.
		assertThat(descriptors).as("the master's open files during the attack, %d before it", baseline)
			.allSatisfy((count) -> assertThat(count).isLessThan(baseline + 1000));
		assertThat(attack.opened).isEqualTo(ATTACK_CONNECTIONS);
		assertThat(attack.open()).as("attack connections the master never closed").isZero();
		assertThat(attack.openFor).as("how long the master kept each attack connection")
			.allSatisfy((open) -> assertThat(open).isBetween(HEADER_TIMEOUT.minusMillis(300),
					HEADER_TIMEOUT.plusSeconds(2)));

		// A client that asks for 64 MB and never reads: once every buffer on the way is
		// full, the master's write to it stalls, and is given up after the keep-alive
		// timeout.
		try (Socket stalled = new Socket()) {
			stalled.setReceiveBufferSize(16 * 1024);
			stalled.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.master.port()), 5000);
			stalled.getOutputStream()
				.write(("GET /megabytes?count=" + LARGE_MEGABYTES + " HTTP/1.1\r\nHost: test\r\n\r\n")
					.getBytes(StandardCharsets.ISO_8859_1));
			Thread.sleep(KEEP_ALIVE.plusSeconds(3).toMillis());
			stalled.setSoTimeout(20_000);
			assertThat(drain(stalled.getInputStream())).as("bytes the client got before the master closed")
				.isLessThan(LARGE_MEGABYTES * 1024L * 1024L);
		}
		assertThat(hello()).isLessThan(Duration.ofSeconds(1));
	}

	/**
	 * GET /hello on a fresh connection and return how long the answer took.
	 */
	private Duration hello() throws IOException {
		long started = System.nanoTime();
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.master.port()), 5000);
			socket.setSoTimeout(10_000);
			socket.getOutputStream()
				.write("GET /hello HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
					.getBytes(StandardCharsets.ISO_8859_1));
			String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
			assertThat(response).startsWith("HTTP/1.1 200").endsWith("hello");
		}
		return Duration.ofNanos(System.nanoTime() - started);
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
