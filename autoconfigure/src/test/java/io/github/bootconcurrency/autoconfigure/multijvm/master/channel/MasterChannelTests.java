package io.github.bootconcurrency.autoconfigure.multijvm.master.channel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.multijvm.master.metrics.MetricFamilies;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ClusterView;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlRequest;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.channel.MasterChannelClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Tests for {@link MasterChannel} and {@link MasterChannelClient}, over a real Unix
 * domain socket.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MasterChannelTests {

	private static final String TOKEN = "9f86d081884c7d659a2feaa0c55ad015";

	private final List<Object> submitted = new CopyOnWriteArrayList<>();

	private volatile boolean stopping;

	private final ByteArrayOutputStream log = new ByteArrayOutputStream();

	private final MasterChannel channel = MasterChannel.open(new PrintStream(this.log, true, StandardCharsets.UTF_8));

	/**
	 * Takes requests as the loop does.
	 */
	private final ChannelPort master = new ChannelPort() {

		@Override
		public boolean authenticate(int workerId, String token) {
			return workerId == 7 && TOKEN.equals(token);
		}

		@Override
		public ClusterView view() {
			return new ClusterView("proxy", 2, new ClusterView.Counters(3, 1, 1, 0, 0),
					List.of(new ClusterView.WorkerView(7, 1, 4242, 40000, "ready", 1234, 99, 1, 5_000_000, 1100,
							"not-opened")));
		}

		@Override
		public void heartbeat(int workerId, ControlRequest.Heartbeat heartbeat) {
			MasterChannelTests.this.submitted.add(new Beat(workerId, heartbeat));
		}

		@Override
		public CompletableFuture<OptionalInt> scale(int workers) {
			MasterChannelTests.this.submitted.add(new ControlRequest.Scale(workers));
			return CompletableFuture
				.completedFuture(MasterChannelTests.this.stopping ? OptionalInt.empty() : OptionalInt.of(workers));
		}

		@Override
		public CompletableFuture<Boolean> reload() {
			MasterChannelTests.this.submitted.add(new ControlRequest.Reload());
			return CompletableFuture.completedFuture(!MasterChannelTests.this.stopping);
		}

		@Override
		public void channelTrouble(boolean failing) {
			MasterChannelTests.this.submitted.add(failing);
		}

		@Override
		public void describe(MetricFamilies series) {
			series.add("concurrency_master_workers_target", "gauge", "Workers the master keeps running.", Map.of(), 2);
		}

	};

	@BeforeEach
	void serve() {
		this.channel.serve(this.master);
	}

	@AfterEach
	void close() {
		this.channel.close();
	}

	@Test
	void socketLivesInADirectoryOnlyTheMastersUserCanEnter() throws IOException {
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(this.channel.socket().getParent())))
			.isEqualTo("rwx------");
	}

	@Test
	void workerWithItsTokenReadsTheClusterViewAndSendsCommands() throws IOException {
		MasterChannelClient client = new MasterChannelClient(worker(7, TOKEN));
		ClusterView view = client.status();
		assertThat(view.balancer()).isEqualTo("proxy");
		assertThat(view.targetWorkers()).isEqualTo(2);
		assertThat(view.counters().killed()).isOne();
		assertThat(view.workers()).singleElement().satisfies((worker) -> {
			assertThat(worker.pid()).isEqualTo(4242);
			assertThat(worker.requests()).isEqualTo(99);
			assertThat(worker.heapUsedBytes()).isEqualTo(5_000_000);
			assertThat(worker.bootMillis()).isEqualTo(1100);
			assertThat(worker.aotCache()).isEqualTo("not-opened");
		});
		assertThat(client.scale(3)).hasValue(3);
		client.reload();
		assertThat(this.submitted).containsExactly(new ControlRequest.Scale(3), new ControlRequest.Reload());
	}

	@Test
	void scaleAndReloadAreRefusedWithTheReasonOnceTheLoopSaysTheMasterIsStopping() {
		this.stopping = true;
		MasterChannelClient client = new MasterChannelClient(worker(7, TOKEN));
		assertThatIOException().isThrownBy(() -> client.scale(3))
			.withMessage("the multi-jvm master answered 'ERROR the master is stopping' to SCALE");
		assertThatIOException().isThrownBy(client::reload)
			.withMessage("the multi-jvm master answered 'ERROR the master is stopping' to RELOAD");
	}

	@Test
	void heartbeatCarriesReadinessPortAndFiguresToTheLoop() throws IOException {
		assertThat(ask("7 " + TOKEN + " HEARTBEAT 1 40123 12 34 1")).isEqualTo("OK\n");
		assertThat(ask("7 " + TOKEN + " HEARTBEAT 1 40123")).isEqualTo("ERROR bad arguments for HEARTBEAT\n");
		assertThat(this.submitted).containsExactly(new Beat(7, heartbeat(12, 34, 1, -1, -1, -1, 0)));
	}

	@Test
	void heartbeatCarriesTheHeapAfterCollectionAndTheStuckTimeAndIgnoresFieldsItDoesNotKnow() throws IOException {
		assertThat(ask("7 " + TOKEN + " HEARTBEAT 1 40123 12 34 0 20 100 5")).isEqualTo("OK\n");
		assertThat(ask("7 " + TOKEN + " HEARTBEAT 1 40123 12 34 0 20 100 6 4200 999")).isEqualTo("OK\n");
		assertThat(ask("7 " + TOKEN + " HEARTBEAT 1 40123 12 34 0 twenty 100 7"))
			.isEqualTo("ERROR bad arguments for HEARTBEAT\n");
		assertThat(this.submitted).containsExactly(new Beat(7, heartbeat(12, 34, 0, 20, 100, 5, 0)),
				new Beat(7, heartbeat(12, 34, 0, 20, 100, 6, 4200)));
	}

	@Test
	void anOlderWorkersHeartbeatWithoutTheLaterFieldsMeansNoHeapFiguresAndNoStuckRequest() throws IOException {
		assertThat(ask("7 " + TOKEN + " HEARTBEAT 1 40123 12 34 0")).isEqualTo("OK\n");
		assertThat(this.submitted).containsExactly(new Beat(7, heartbeat(12, 34, 0, -1, -1, -1, 0)));
	}

	@Test
	void wrongTokenIsDeniedAndLoggedWithoutTheToken() {
		MasterChannelClient client = new MasterChannelClient(worker(7, "not-the-token"));
		assertThatIOException().isThrownBy(client::status).withMessageContaining("'DENIED'");
		assertThatIOException().isThrownBy(() -> client.scale(9));
		assertThat(this.submitted).isEmpty();
		assertThat(this.log.toString(StandardCharsets.UTF_8)).contains("refused a request that is not from worker 7")
			.doesNotContain("not-the-token");
	}

	@Test
	void tokenOfAnotherWorkerIsDenied() {
		assertThatIOException().isThrownBy(() -> new MasterChannelClient(worker(8, TOKEN)).status());
	}

	@Test
	void malformedRequestIsDenied() throws IOException {
		assertThat(ask("RELOAD")).isEqualTo("DENIED\n");
		assertThat(ask("")).isEqualTo("DENIED\n");
		assertThat(ask("7 " + TOKEN + " SHUTDOWN")).isEqualTo("ERROR unknown command SHUTDOWN\n");
		assertThat(ask("7 " + TOKEN + " SCALE many")).isEqualTo("ERROR bad arguments for SCALE\n");
		assertThat(this.submitted).isEmpty();
	}

	@Test
	void anOversizedRequestIsDeniedWithoutBeingRead() throws IOException {
		assertThat(ask("7 " + TOKEN + " SCALE " + "9".repeat(600))).isEqualTo("DENIED\n");
		assertThat(this.submitted).isEmpty();
		assertThat(this.log.toString(StandardCharsets.UTF_8)).contains("refused a malformed request");
	}

	@Test
	void workerWithItsTokenGetsTheScrapeOfTheClusterAndTheMaster() throws IOException {
		MasterChannelClient client = new MasterChannelClient(worker(7, TOKEN));
		assertThat(client.scrape(Set.of())).containsExactly(
				"# HELP concurrency_master_workers_target Workers the master keeps running.",
				"# TYPE concurrency_master_workers_target gauge", "concurrency_master_workers_target 2.0");
		assertThat(client.scrape(Set.of("jvm_threads_live_threads"))).isEmpty();
		assertThat(ask("7 " + TOKEN + " SCRAPE up,\"x\"")).isEqualTo("ERROR bad arguments for SCRAPE\n");
		assertThatIOException().isThrownBy(() -> new MasterChannelClient(worker(7, "not-the-token")).scrape(Set.of()));
		assertThat(this.submitted).isEmpty();
	}

	@Test
	void closingRemovesTheSocketAndItsDirectory() throws IOException {
		// As a worker killed by SIGKILL leaves it.
		Files.createFile(WorkerEnvironment.scrapeSocket(this.channel.socket().getParent(), 3));
		this.channel.close();
		assertThat(this.channel.socket()).doesNotExist();
		assertThat(this.channel.socket().getParent()).doesNotExist();
	}

	private WorkerEnvironment worker(int id, String token) {
		return new WorkerEnvironment(id, ProcessHandle.current().pid(), this.channel.socket(), token, false,
				Duration.ofSeconds(1));
	}

	private String ask(String line) throws IOException {
		try (SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			socket.connect(UnixDomainSocketAddress.of(this.channel.socket()));
			socket.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
			socket.shutdownOutput();
			return new String(Channels.newInputStream(socket).readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	/**
	 * A heartbeat of a ready worker on port 40123.
	 */
	private static ControlRequest.Heartbeat heartbeat(long requests, long heapUsedBytes, int deadlockedThreads,
			long heapAfterGcBytes, long heapMaxBytes, long collections, long stuckMillis) {
		return new ControlRequest.Heartbeat(true, 40123, requests, heapUsedBytes, deadlockedThreads, heapAfterGcBytes,
				heapMaxBytes, collections, stuckMillis);
	}

	/**
	 * A heartbeat as the channel passed it on.
	 */
	private record Beat(int workerId, ControlRequest.Heartbeat heartbeat) {
	}

}
