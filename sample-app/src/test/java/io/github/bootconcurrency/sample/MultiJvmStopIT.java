package io.github.bootconcurrency.sample;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.EachBalancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How the sample app's master stops, with real JVMs and real signals: gracefully on
 * {@code TERM}, at once on a second one; its port refusing new connections while it
 * drains; its pidfile; and a master that cannot start, its port taken, or warned that its
 * open-file limit is too low.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiJvmStopIT {

	@RegisterExtension
	final Masters masters = Masters.of(SampleApplication.class);

	@EachBalancer
	void sigtermLetsTheRequestsInFlightFinishThenStopsMasterAndWorkersWithStatusZero(Balancer balancer)
			throws Exception {
		MasterProcess master = this.masters.start(balancer, 2, "--concurrency.multi-jvm.graceful-timeout=60s");
		master.awaitReady(2);
		List<Long> workers = master.livePids();
		// On a raw connection of its own: the JDK's client would re-send the GET if its
		// connection closed before the first byte, and a stopping master refuses a
		// re-send with 503, which hid what happened to the request itself.
		CompletableFuture<String> inFlight = Http.getAsyncOnNewConnection(master.port(), "/io-bound?s=3",
				Duration.ofSeconds(60));
		awaitInFlight(master);
		master.signal("TERM");
		String answer = inFlight.get(60, TimeUnit.SECONDS);
		assertThat(answer).as("the whole answer to the request in flight at TERM:%n%s", answer)
			.startsWith("HTTP/1.1 200 ");
		assertThat(master.awaitExit(Duration.ofSeconds(60))).isZero();
		assertThat(master.output()).contains("Received SIGTERM: stopping gracefully")
			.contains("[master] Master stopped");
		assertThat(workers).allSatisfy((pid) -> assertThat(MasterProcess.running(pid)).isFalse());
	}

	@Test
	void aSecondSigtermKillsEveryWorkerAtOnce() throws Exception {
		// A request that would hold the graceful stop for minutes: the master's and the
		// workers' own (Spring's shutdown phase gives up after 30 s by default).
		MasterProcess master = this.masters.start(Balancer.PROXY, 2, "--concurrency.multi-jvm.graceful-timeout=300s",
				"--spring.lifecycle.timeout-per-shutdown-phase=300s");
		master.awaitReady(2);
		List<Long> workers = master.livePids();
		CompletableFuture<HttpResponse<String>> inFlight = Http.getAsync(master.port(), "/io-bound?s=280",
				Duration.ofSeconds(290));
		awaitInFlight(master);
		master.signal("TERM");
		master.lines().await("Received SIGTERM: stopping gracefully", Duration.ofSeconds(30));
		master.signal("TERM");
		master.lines().await("Received SIGTERM again: killing every worker now", Duration.ofSeconds(30));
		// Well within the graceful timeouts of 300 s and the request's 280 s.
		assertThat(master.awaitExit(Duration.ofSeconds(60))).isZero();
		assertThat(workers).allSatisfy((pid) -> assertThat(MasterProcess.running(pid)).isFalse())
			.allSatisfy((pid) -> assertThat(master.output())
				.containsPattern("worker \\d+ \\(pid " + pid + ", .*\\) stopped with status 137"));
		// Cut short: the connection closed, or the master answered for the dead worker.
		assertThat(inFlight.handle((response, failure) -> (failure != null) ? -1 : response.statusCode())
			.get(30, TimeUnit.SECONDS)).isNotEqualTo(200);
	}

	@Test
	void sharedSocketRefusesNewConnectionsOnceTheMasterIsStoppingWhileRequestsInFlightFinish() throws Exception {
		MasterProcess master = this.masters.start(Balancer.SHARED_SOCKET, 2,
				"--concurrency.multi-jvm.graceful-timeout=60s");
		master.awaitReady(2);
		int port = master.port();
		CompletableFuture<String> inFlight = Http.getAsyncOnNewConnection(port, "/io-bound?s=8",
				Duration.ofSeconds(60));
		awaitInFlight(master);
		master.signal("TERM");
		// Once the master and every worker closed their copies of the socket, the port
		// refuses: a client goes elsewhere at once instead of waiting in a backlog that
		// nobody accepts.
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> refuses(port));
		assertThat(inFlight).as("the request in flight, still running").isNotDone();
		String answer = inFlight.get(60, TimeUnit.SECONDS);
		assertThat(answer).as("the whole answer to the request in flight at TERM:%n%s", answer)
			.startsWith("HTTP/1.1 200 ");
		assertThat(master.awaitExit(Duration.ofSeconds(60))).isZero();
	}

	private static boolean refuses(int port) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
			return false;
		}
		catch (ConnectException ex) {
			return true;
		}
		catch (SocketException ex) {
			// Queued in the backlog as the last copy of the socket closed: reset. The
			// next probe is refused.
			return false;
		}
	}

	/**
	 * Wait until a request is in flight in a worker: the one that answers this probe
	 * counts it and the probe. Each probe on a connection of its own, so that under
	 * shared-socket it may reach any worker.
	 */
	private static void awaitInFlight(MasterProcess master) {
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> Http.getOnNewConnection(master.port(), "/actuator/concurrency").contains("\"inFlight\":2"));
	}

	@Test
	void pidfileHoldsTheMastersPidWhileItRunsAndIsRemovedWhenItStops(@TempDir Path dir) throws Exception {
		Path pidfile = dir.resolve("master.pid");
		MasterProcess master = this.masters.start(Balancer.PROXY, 1, "--concurrency.multi-jvm.pidfile=" + pidfile);
		master.awaitReady(1);
		assertThat(Files.readString(pidfile).trim()).isEqualTo(Long.toString(master.process().pid()));
		master.signal("TERM");
		assertThat(master.awaitExit(Duration.ofSeconds(60))).isZero();
		assertThat(pidfile).doesNotExist();
	}

	@EachBalancer
	void aMasterWhosePortIsTakenStopsNamingItAndLeavesNoPidfile(Balancer balancer, @TempDir Path dir) throws Exception {
		Path pidfile = dir.resolve("master.pid");
		try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
			MasterProcess master = this.masters.start(balancer, 1, "--server.address=127.0.0.1",
					"--server.port=" + taken.getLocalPort(), "--concurrency.multi-jvm.pidfile=" + pidfile);
			assertThat(master.awaitExit(Duration.ofSeconds(60))).isNotZero();
			assertThat(master.output()).contains("127.0.0.1:" + taken.getLocalPort())
				.containsIgnoringCase("address already in use")
				.doesNotContain("[worker ");
			assertThat(pidfile).doesNotExist();
		}
	}

	@Test
	void anOpenFileLimitTooLowForTheProxyIsWarnedAboutAtStartup() throws Exception {
		MasterProcess master = this.masters.start(Balancer.PROXY, 1,
				List.of("sh", "-c", "ulimit -n 4096 && exec \"$0\" \"$@\""), "--concurrency.max-connections=5000");
		master.awaitReady(1);
		assertThat(master.output()).containsPattern("WARNING: the master may open up to \\d+ files "
				+ "\\(concurrency.max-connections=5000 client connections, .*\\), but its open-file limit is 4096: "
				+ "raise it \\(ulimit -n, LimitNOFILE\\) or lower concurrency.max-connections");
	}

}
