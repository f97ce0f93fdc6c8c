package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmSlowlorisIT.Slow;
import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmSlowlorisIT.assertEachClosedInTime;
import static io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmSlowlorisIT.CLOSED_WITHIN;
import static io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmSlowlorisIT.HEADER_TIMEOUT;
import static io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmSlowlorisIT.JETTY;
import static io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmSlowlorisIT.KEPT_ALIVE_CONNECTIONS;
import static io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmSlowlorisIT.TOMCAT;
import static io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmSlowlorisIT.dribble;
import static io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmSlowlorisIT.exchange;
import static io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmSlowlorisIT.hello;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code MultiJvmSlowlorisIT}'s bound in two more cases, with its attack: a worker whose
 * threads are all busy still closes a late header in time, and a connection that only
 * sends blank lines, never a header to either server, is closed as well.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MultiJvmSlowlorisBusyAndBlankLinesIT {

	/**
	 * A worker's concurrency.platform.max-threads in the busy worker's case, each held by
	 * a request.
	 */
	private static final int BUSY_THREADS = 4;

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	/**
	 * A late header on a Tomcat worker whose threads are all busy: the worker closes it
	 * within the same bound, not once a thread is free, as an ERROR event queued to
	 * Tomcat's executor would be (and each sweep until then would queue another).
	 */
	@Test
	void aTomcatWorkerWhoseThreadsAreAllBusyClosesALateHeaderInTime() throws Exception {
		MasterProcess master = this.masters.start(Balancer.SHARED_SOCKET, 1,
				"--concurrency.platform.max-threads=" + BUSY_THREADS,
				"--concurrency.multi-jvm.request-header-timeout=" + HEADER_TIMEOUT.toMillis() + "ms",
				"--concurrency.keep-alive-timeout=60s", "--spring.autoconfigure.exclude=" + JETTY);
		master.awaitReady(1);
		InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), master.port());
		List<Slow> attack = new ArrayList<>();
		List<SocketChannel> busy = new ArrayList<>();
		try {
			attack.add(Slow.afterARequest(address));
			attack.add(Slow.fresh(address));
			// Answered after the attack's first reads, queued before it: their headers
			// have begun.
			assertThat(hello(address)).isEqualTo(200);
			for (int i = 0; i < BUSY_THREADS; i++) {
				SocketChannel channel = SocketChannel.open(address);
				busy.add(channel);
				channel.write(ByteBuffer
					.wrap(("GET /hold?tag=busy HTTP/1.1\r\nHost: test\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)));
			}
			// Held for two minutes: no thread is free for the rest of the test.
			master.lines().await("holding GET busy", BUSY_THREADS, Duration.ofSeconds(30));
			dribble(attack);
		}
		finally {
			for (Slow slow : attack) {
				slow.channel.close();
			}
			for (SocketChannel channel : busy) {
				channel.close();
			}
		}
		assertThat(attack).as("when the busy worker closed each connection")
			.allSatisfy((slow) -> assertThat(slow.closedAfter).as(slow.toString())
				.isNotNull()
				.isBetween(HEADER_TIMEOUT.minusMillis(300), CLOSED_WITHIN));
	}

	/**
	 * Blank lines before a request line, which HTTP/1.1 lets a server skip: neither
	 * server counts them as a header's start, and each resets its read timeout, so a
	 * client sending "\r\n" every 500 ms is never in a header and held as long as it
	 * likes without the worker's bound on connections that read and complete no request.
	 */
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "Tomcat", "Jetty" })
	void aWorkerClosesEveryConnectionThatOnlySendsBlankLines(String server) throws Exception {
		String otherServer = server.equals("Tomcat") ? JETTY : TOMCAT;
		MasterProcess master = this.masters.start(Balancer.SHARED_SOCKET, 1,
				"--concurrency.multi-jvm.request-header-timeout=" + HEADER_TIMEOUT.toMillis() + "ms",
				"--concurrency.keep-alive-timeout=60s", "--spring.autoconfigure.exclude=" + otherServer);
		master.awaitReady(1);
		InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), master.port());
		List<Slow> attack = new ArrayList<>();
		SocketChannel idleAfterARequest = SocketChannel.open(address);
		try {
			assertThat(exchange(idleAfterARequest)).startsWith("HTTP/1.1 200");
			for (int i = 0; i < KEPT_ALIVE_CONNECTIONS; i++) {
				attack.add(Slow.blankLinesAfterARequest(address));
				attack.add(Slow.blankLines(address));
			}
			dribble(attack);
			assertThat(exchange(idleAfterARequest)).as("a request on a connection idle for the whole attack")
				.startsWith("HTTP/1.1 200");
		}
		finally {
			for (Slow slow : attack) {
				slow.channel.close();
			}
			idleAfterARequest.close();
		}
		assertEachClosedInTime(attack);
		assertThat(hello(address)).isEqualTo(200);
	}

}
