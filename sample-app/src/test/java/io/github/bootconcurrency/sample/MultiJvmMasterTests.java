package io.github.bootconcurrency.sample;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The multi-jvm model with real JVMs and real signals: the sample app is started as a
 * user starts it, becomes the master, and supervises worker JVMs of itself. Every load
 * loop is bounded in count and time, and targets only 127.0.0.1.
 */
class MultiJvmMasterTests {

	private final HttpClient client = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(5))
		.executor(Executors.newVirtualThreadPerTaskExecutor())
		.build();

	private static final String SHARED_SOCKET = "--concurrency.multi-jvm.balancer=shared-socket";

	/**
	 * For what only the proxy does: spread requests one by one, retry an idempotent one,
	 * manage its own connections to the workers.
	 */
	private static final String PROXY = "--concurrency.multi-jvm.balancer=proxy";

	private final JsonMapper json = JsonMapper.builder().build();

	private MasterProcess master;

	private static MasterProcess startMaster(int workers, String... arguments) throws IOException {
		return startMaster(workers, List.of(), arguments);
	}

	private static MasterProcess startMaster(int workers, List<String> wrapper, String... arguments)
			throws IOException {
		return MasterProcess.start(SampleApplication.class, System.getProperty("java.class.path"), workers, wrapper,
				arguments);
	}

	@AfterEach
	void stop(TestInfo test) throws IOException {
		if (this.master != null) {
			this.master.kill();
			// The master's and its workers' output, for when a test fails in CI.
			Path logs = Path.of("target", "multi-jvm-logs");
			Files.createDirectories(logs);
			String name = test.getTestMethod().map((method) -> method.getName()).orElse("") + test.getDisplayName();
			Files.writeString(logs.resolve(name.replaceAll("[^A-Za-z0-9.-]+", "_") + ".log"), this.master.output());
		}
	}

	@Test
	void masterStartsTwoWorkersThatBothServeBehindOnePort() throws Exception {
		this.master = startMaster(2, PROXY);
		this.master.awaitReady(2);
		for (int i = 0; i < 20; i++) {
			assertThat(get("/io-bound?s=0").statusCode()).isEqualTo(200);
		}
		// The proxy spreads requests over the workers: each one served some, as it tells
		// the master in its heartbeat.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			JsonNode cluster = assertClusterView("proxy", 2);
			for (JsonNode worker : cluster.get("workers")) {
				assertThat(worker.get("requests").asLong()).as(cluster.toString()).isPositive();
			}
		});
		assertThat(this.master.output()).doesNotContain("Redis");
	}

	@Test
	void sharedSocketIsTheDefaultBalancerHereAndItsWorkersAcceptOnTheMastersSocket() throws Exception {
		// No balancer set: Linux and Java 22 or later pick shared-socket, and say why.
		this.master = startMaster(2);
		this.master.awaitReady(2);
		assertThat(this.master.output()).contains("balancer 'shared-socket' (the default on Linux and macOS with"
				+ " Java 22 or later: the workers accept on the master's socket, with no hop through the master)");
		for (int i = 0; i < 40; i++) {
			String response = getOnNewConnection("/io-bound?s=0");
			assertThat(response).startsWith("HTTP/1.1 200");
			// No proxy: the worker's Tomcat accepts on the socket it inherited.
			assertThat(response).contains("http-nio-JVMInheritedChannel-exec");
		}
		// The kernel spreads connections over the workers: each one served some.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			JsonNode cluster = assertClusterView("shared-socket", 2);
			for (JsonNode worker : cluster.get("workers")) {
				assertThat(worker.get("requests").asLong()).as(cluster.toString()).isPositive();
			}
		});
		assertThat(this.master.output()).doesNotContain("restricted method");
	}

	private JsonNode assertClusterView(String balancer, int workers) throws Exception {
		// The cluster view, as the master sees it, from whichever worker answers.
		JsonNode cluster = this.json.readTree(get("/actuator/concurrency").body()).get("cluster");
		assertThat(cluster.get("balancer").asString()).isEqualTo(balancer);
		assertThat(cluster.get("targetWorkers").asInt()).isEqualTo(workers);
		List<Long> pids = new ArrayList<>();
		for (JsonNode worker : cluster.get("workers")) {
			assertThat(worker.get("state").asString()).isEqualTo("ready");
			assertThat(worker.get("heapUsedBytes").asLong()).isPositive();
			pids.add(worker.get("pid").asLong());
		}
		assertThat(pids).containsExactlyInAnyOrderElementsOf(this.master.livePids());
		assertThat(cluster.get("counters").get("spawned").asInt()).isEqualTo(workers);
		return cluster;
	}

	@Test
	void proxiedWorkersSeeTheRealClientAndNotAHeaderItForged() throws Exception {
		this.master = startMaster(1, PROXY);
		this.master.awaitReady(1);
		// All of 127/8 is loopback: a client on 127.0.0.2 is told apart from the master.
		String response = getOnNewConnection("127.0.0.2", "/client", "X-Forwarded-For: 203.0.113.9");
		assertThat(response).startsWith("HTTP/1.1 200");
		JsonNode client = this.json.readTree(jsonBody(response));
		assertThat(client.get("address").asString()).isEqualTo("127.0.0.2");
		assertThat(client.get("port").asInt()).isEqualTo(this.master.port());
	}

	@Test
	void sharedSocketWorkersIgnoreForwardedHeadersFromClientsTheyAcceptDirectly() throws Exception {
		this.master = startMaster(1, SHARED_SOCKET);
		this.master.awaitReady(1);
		String response = getOnNewConnection("127.0.0.2", "/client", "X-Forwarded-For: 203.0.113.9");
		assertThat(response).startsWith("HTTP/1.1 200");
		JsonNode client = this.json.readTree(jsonBody(response));
		assertThat(client.get("address").asString()).isEqualTo("127.0.0.2");
	}

	@Test
	void workerKilledUnderLoadCostsNoRequestAndIsReplaced() throws Exception {
		this.master = startMaster(2, PROXY);
		this.master.awaitReady(2);
		long victim = this.master.readyPids().get(0);
		Load load = Load.start(this, Duration.ofSeconds(8), 4);
		Thread.sleep(1500);
		ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
		Load.Result result = load.await();
		assertThat(result.ok()).isGreaterThan(50);
		assertThat(result.failures()).as(result.toString()).isEmpty();
		this.master.awaitReady(3);
		assertThat(this.master.output()).contains("died with status 137: replacing it");
	}

	@Test
	void getInFlightOnAWorkerKilledWithSigkillIsRetriedOnAnotherWorker() throws Exception {
		this.master = startMaster(2, PROXY);
		this.master.awaitReady(2);
		// Two slow GETs at once: the proxy gives one to each worker.
		List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			slow.add(getAsync("/io-bound?s=3", Duration.ofSeconds(30)));
		}
		Thread.sleep(1000);
		ProcessHandle.of(this.master.readyPids().get(0)).ifPresent(ProcessHandle::destroyForcibly);
		for (CompletableFuture<HttpResponse<String>> response : slow) {
			assertThat(response.get(40, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		assertThat(this.master.output()).contains("died with status 137");
	}

	@Test
	void workersThatKeepDyingSoonAfterBootAreRespawnedWithAGrowingDelay() throws Exception {
		this.master = startMaster(1);
		for (int ready = 1; ready <= 3; ready++) {
			this.master.awaitReady(ready);
			List<Long> pids = this.master.readyPids();
			ProcessHandle.of(pids.get(pids.size() - 1)).ifPresent(ProcessHandle::destroyForcibly);
		}
		this.master.awaitReady(4);
		assertThat(this.master.output()).contains("Next worker in 250 ms (1 early exit(s) in a row)")
			.contains("Next worker in 500 ms (2 early exit(s) in a row)")
			.contains("Next worker in 1000 ms (3 early exit(s) in a row)");
	}

	@Test
	void sharedSocketWorkerKilledUnderLoadIsReplacedWhileTheOtherKeepsServing() throws Exception {
		this.master = startMaster(2, SHARED_SOCKET);
		this.master.awaitReady(2);
		long victim = this.master.readyPids().get(0);
		Load load = Load.start(this, Duration.ofSeconds(8), 4);
		Thread.sleep(1500);
		ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
		Load.Result result = load.await();
		// Without a proxy to retry, only requests the dead worker had already accepted
		// can fail: at most one per client loop.
		assertThat(result.ok()).isGreaterThan(50);
		assertThat(result.failures()).as(result.toString()).hasSizeLessThanOrEqualTo(4);
		this.master.awaitReady(3);
		assertThat(this.master.output()).contains("died with status 137: replacing it");
	}

	@ParameterizedTest
	@ValueSource(strings = { "proxy", "shared-socket" })
	void sighupReplacesEveryWorkerUnderLoadWithNoFailedRequest(String balancer) throws Exception {
		this.master = startMaster(2, "--concurrency.multi-jvm.balancer=" + balancer);
		this.master.awaitReady(2);
		List<Long> before = this.master.readyPids();
		// Generous bounds: two JVM boots on a 2-core machine that may be busy with more.
		Load load = Load.start(this, Duration.ofSeconds(120), 4);
		this.master.signal("HUP");
		await().atMost(Duration.ofSeconds(120))
			.until(() -> this.master.readyPids().size() >= 4 && this.master.output().split("is draining").length > 2);
		await().atMost(Duration.ofSeconds(20)).until(() -> before.stream().noneMatch(MasterProcess::running));
		load.stop();
		Load.Result result = load.await();
		assertThat(result.ok()).isGreaterThan(50);
		assertThat(result.failures()).as(result.toString()).isEmpty();
		List<Long> after = this.master.livePids();
		assertThat(after).hasSize(2).doesNotContainAnyElementsOf(before);
	}

	@ParameterizedTest
	@ValueSource(strings = { "proxy", "shared-socket" })
	void workersRecycledAfterMaxRequestsCostNoRequest(String balancer) throws Exception {
		this.master = startMaster(2, "--concurrency.multi-jvm.balancer=" + balancer,
				"--concurrency.multi-jvm.max-requests=60", "--concurrency.multi-jvm.max-requests-jitter=20");
		this.master.awaitReady(2);
		List<Long> before = this.master.readyPids();
		Load load = Load.start(this, Duration.ofSeconds(150), 4);
		await().atMost(Duration.ofSeconds(150))
			.until(() -> before.stream().noneMatch(MasterProcess::running) || !this.master.process().isAlive());
		load.stop();
		Load.Result result = load.await();
		assertThat(result.failures()).as(result.toString()).isEmpty();
		assertThat(this.master.output())
			.containsPattern("served \\d+ requests \\(max-requests with jitter: (6\\d|7\\d|80)\\)");
		JsonNode counters = this.json.readTree(get("/actuator/concurrency").body()).get("cluster").get("counters");
		assertThat(counters.get("recycled").asInt()).isGreaterThanOrEqualTo(2);
	}

	@Test
	void saturatedWorkersKeepTheirHeartbeatAndStayWhileAStoppedOneIsKilledWithinTheTimeout() throws Exception {
		// The proxy gives each worker 8 of the 16 requests; the kernel, under
		// shared-socket, may give one worker more than it takes in before queue-timeout.
		this.master = startMaster(2, PROXY, "--concurrency.multi-jvm.worker-model=virtual",
				"--concurrency.virtual.max-concurrent-requests=4", "--concurrency.multi-jvm.timeout=3s");
		this.master.awaitReady(2);
		List<Long> workers = this.master.livePids();
		// 16 requests of 14 s on 2 workers of 4 slots each: every slot busy for more than
		// 4 times the timeout. Busy is not hung: none is killed, and every request is
		// served.
		List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
		for (int i = 0; i < 16; i++) {
			slow.add(getAsync("/io-bound?s=14", Duration.ofSeconds(90)));
		}
		for (CompletableFuture<HttpResponse<String>> response : slow) {
			assertThat(response.get(120, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		assertThat(this.master.output()).doesNotContain("dumping its threads");
		assertThat(this.master.livePids()).containsExactlyInAnyOrderElementsOf(workers);
		// A stopped process sends no heartbeat: killed within the timeout and the time it
		// is given to dump its threads, then replaced.
		long stopped = workers.get(0);
		MasterProcess.signal("STOP", stopped);
		long start = System.nanoTime();
		await().atMost(Duration.ofSeconds(30)).until(() -> !MasterProcess.running(stopped));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(12));
		assertThat(this.master.output()).containsPattern("worker \\d+ \\(pid " + stopped
				+ ", port \\d+, ready\\) sent no heartbeat for \\d+ ms \\(timeout 3s\\): dumping its threads, then killing it");
		this.master.awaitReady(3);
		assertThat(get("/hello").statusCode()).isEqualTo(200);
	}

	@ParameterizedTest
	@ValueSource(strings = { "proxy", "shared-socket" })
	void requestsThatArriveBeforeAnyWorkerIsReadyWaitAndAreAllServed(String balancer) throws Exception {
		this.master = startMaster(2, "--concurrency.multi-jvm.balancer=" + balancer);
		awaitListening(this.master.port());
		List<CompletableFuture<HttpResponse<String>>> early = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			early.add(getAsync("/hello", Duration.ofSeconds(120)));
		}
		assertThat(this.master.readyPids()).as("fired before any worker was ready").isEmpty();
		for (CompletableFuture<HttpResponse<String>> response : early) {
			assertThat(response.get(150, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		// No port is chosen for a worker: each binds its own and reports it, and the
		// master knows each worker by the port it really listens on.
		this.master.awaitReady(2);
		JsonNode cluster = this.json.readTree(get("/actuator/concurrency").body()).get("cluster");
		for (JsonNode worker : cluster.get("workers")) {
			long pid = worker.get("pid").asLong();
			// The arguments come from a private argument file, not the command line that
			// ps shows: ask the worker's JVM what it was given.
			assertThat(MasterProcess.commandLine(pid)).noneMatch((argument) -> argument.startsWith("--server.port="));
			assertThat(javaCommand(pid)).filteredOn((argument) -> argument.startsWith("--server.port="))
				.containsExactly("--server.port=0");
			if (balancer.equals("proxy")) {
				assertThat(MasterProcess.listeningPorts(pid)).containsExactly(worker.get("port").asInt());
			}
		}
	}

	/**
	 * The main class and arguments a JVM was started with, as the JVM itself reports them
	 * (jcmd's {@code java_command}), argument files expanded.
	 */
	private static List<String> javaCommand(long pid) throws IOException, InterruptedException {
		Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
		Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.command_line")
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		return output.lines()
			.filter((line) -> line.startsWith("java_command:"))
			.flatMap((line) -> Arrays.stream(line.split(" ")))
			.toList();
	}

	/**
	 * Wait, bounded, until the master's port accepts a connection: the moment a client
	 * could first reach it.
	 */
	private static void awaitListening(int port) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
				return;
			}
			catch (IOException ex) {
				Thread.sleep(20);
			}
		}
		throw new AssertionError("The master's port " + port + " never accepted a connection");
	}

	@Test
	void sighupReadsTheConfigurationAgainIncludingWorkerCountAndModel(@TempDir Path config) throws Exception {
		Path file = config.resolve("application.yml");
		Files.writeString(file, "concurrency.multi-jvm.workers: 1\n");
		this.master = startMaster(0, "--spring.config.additional-location=file:" + config + "/");
		this.master.awaitReady(1);
		assertThat(this.json.readTree(get("/actuator/concurrency").body()).get("model").asString())
			.isEqualTo("platform");
		Files.writeString(file, "concurrency.multi-jvm:\n  workers: 2\n  worker-model: virtual\n");
		this.master.signal("HUP");
		this.master.awaitReady(3);
		await().atMost(Duration.ofSeconds(40)).until(() -> this.master.output().contains("stopped"));
		assertThat(this.master.livePids()).hasSize(2);
		JsonNode concurrency = this.json.readTree(get("/actuator/concurrency").body());
		assertThat(concurrency.get("model").asString()).isEqualTo("virtual");
		assertThat(concurrency.get("cluster").get("targetWorkers").asInt()).isEqualTo(2);
		assertThat(concurrency.get("cluster").get("counters").get("reloads").asInt()).isEqualTo(1);
	}

	@Test
	void reloadsOfFilesThatCannotBeUsedKeepTheWorkersAndSigtermStillStopsTheMaster(@TempDir Path config)
			throws Exception {
		Path file = config.resolve("application.yml");
		String valid = "concurrency.multi-jvm:\n  workers: 1\n  graceful-timeout: 10s\n";
		Files.writeString(file, valid);
		this.master = startMaster(0, "--spring.config.additional-location=file:" + config + "/");
		this.master.awaitReady(1);
		List<Long> before = this.master.livePids();
		// A value the checks refuse, one that cannot be bound, and a file that is not
		// YAML.
		Files.writeString(file, "concurrency.multi-jvm.workers: lots\n");
		reloadAndAwait("concurrency.multi-jvm.workers = lots", 1);
		Files.writeString(file, valid + "  timeout: lots\n");
		reloadAndAwait("Failed to bind properties under 'concurrency.multi-jvm.timeout'", 2);
		Files.writeString(file, valid + "  timeout: [lots\n");
		reloadAndAwait("Received SIGHUP, but the configuration cannot be used", 3);
		assertThat(this.master.livePids()).isEqualTo(before);
		assertThat(get("/hello").statusCode()).isEqualTo(200);
		long start = System.nanoTime();
		this.master.signal("TERM");
		assertThat(this.master.process().waitFor(20, TimeUnit.SECONDS)).as(this.master.output()).isTrue();
		assertThat(this.master.process().exitValue()).isZero();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(12));
	}

	private void reloadAndAwait(String reported, int failures) throws Exception {
		this.master.signal("HUP");
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.master.output().split("the configuration cannot be used", -1).length > failures);
		assertThat(this.master.output()).contains(reported);
	}

	@Test
	void actuatorWriteOperationIsOffByDefault() throws Exception {
		this.master = startMaster(1);
		this.master.awaitReady(1);
		assertThat(post("/actuator/concurrency", "{\"workers\": 2}").statusCode()).isBetween(400, 499);
		Thread.sleep(2000);
		assertThat(this.master.output()).doesNotContain("Scale requested");
		assertThat(this.master.livePids()).hasSize(1);
	}

	@Test
	void actuatorWriteOperationScalesAndReloadsOnceEnabled() throws Exception {
		this.master = startMaster(1, "--management.endpoint.concurrency.access=unrestricted");
		this.master.awaitReady(1);
		HttpResponse<String> scaled = post("/actuator/concurrency", "{\"workers\": 2}");
		assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
		assertThat(this.json.readTree(scaled.body()).get("targetWorkers").asInt()).isEqualTo(2);
		this.master.awaitReady(2);
		assertThat(post("/actuator/concurrency", "{\"workers\": 0}").statusCode()).isEqualTo(400);
		List<Long> before = this.master.livePids();
		assertThat(post("/actuator/concurrency", "{\"reload\": true}").statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(60)).until(() -> before.stream().noneMatch(MasterProcess::running));
		assertThat(this.master.output()).contains("Reload requested through the actuator");
	}

	@Test
	void postAfterTheProxysConnectionsWereIdleLongerThanTheWorkersKeepAliveIsServed() throws Exception {
		this.master = startMaster(1, PROXY, "--management.endpoint.concurrency.access=unrestricted");
		this.master.awaitReady(1);
		assertThat(post("/actuator/concurrency", "{\"workers\": 0}").statusCode()).isEqualTo(400);
		// Longer than a worker's keep-alive (20 s by default): a POST is not retried, so
		// the proxy must not send it on a connection the worker has closed meanwhile.
		Thread.sleep(25_000);
		assertThat(post("/actuator/concurrency", "{\"workers\": 0}").statusCode()).isEqualTo(400);
	}

	@Test
	void controlChannelRefusesAnythingButTheMastersWorkers() throws Exception {
		this.master = startMaster(1);
		this.master.awaitReady(1);
		Matcher matcher = Pattern.compile("Control channel: (\\S+)").matcher(this.master.output());
		assertThat(matcher.find()).isTrue();
		Path socket = Path.of(matcher.group(1));
		assertThat(Files.getPosixFilePermissions(socket.getParent())).containsExactlyInAnyOrder(
				PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
		String stranger = ask(socket, "1 0123456789abcdef STATUS");
		assertThat(stranger).isEqualTo("DENIED\n");
		assertThat(ask(socket, "SCALE 9")).isEqualTo("DENIED\n");
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.master.output())
				.contains("control channel refused a request that is not from worker 1")
				.contains("control channel refused a malformed request"));
		assertThat(this.master.livePids()).hasSize(1);
	}

	private static String ask(Path socket, String line) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(socket));
			channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
			channel.shutdownOutput();
			return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	@Test
	void ttinAndTtouChangeTheWorkerCount() throws Exception {
		this.master = startMaster(1);
		this.master.awaitReady(1);
		this.master.signal("TTIN");
		this.master.awaitReady(2);
		assertThat(this.master.livePids()).hasSize(2);
		this.master.signal("TTOU");
		await().atMost(Duration.ofSeconds(40)).until(() -> this.master.livePids().size() == 1);
		this.master.signal("TTOU");
		Thread.sleep(2000);
		assertThat(this.master.livePids()).as("never below one worker").hasSize(1);
	}

	@Test
	void signalsIgnoredWhenTheMasterStartedAreReportedAndTtinIsStillHandled() throws Exception {
		// As under nohup: SIGHUP ignored, inherited through exec by the master's JVM.
		this.master = startMaster(1, List.of("sh", "-c", "trap '' HUP TTIN; exec \"$0\" \"$@\""));
		this.master.awaitReady(1);
		assertThat(this.master.output()).contains("WARNING: SIGHUP was ignored when the master started")
			.contains("kill -HUP will not reload")
			.contains("WARNING: SIGTTIN was ignored when the master started")
			.contains("the master handles it now");
		List<Long> before = this.master.livePids();
		this.master.signal("HUP");
		this.master.signal("TTIN");
		this.master.awaitReady(2);
		assertThat(this.master.process().isAlive()).isTrue();
		assertThat(this.master.output()).doesNotContain("Received SIGHUP").contains("Received SIGTTIN");
		assertThat(this.master.livePids()).hasSize(2).containsAll(before);
	}

	@Test
	void pidfileHoldsTheMastersPidWhileItRunsAndIsRemovedWhenItStops(@TempDir Path dir) throws Exception {
		Path pidfile = dir.resolve("master.pid");
		this.master = startMaster(1, "--concurrency.multi-jvm.pidfile=" + pidfile);
		this.master.awaitReady(1);
		assertThat(Files.readString(pidfile).trim()).isEqualTo(Long.toString(this.master.process().pid()));
		this.master.signal("TERM");
		assertThat(this.master.process().waitFor(40, TimeUnit.SECONDS)).isTrue();
		assertThat(pidfile).doesNotExist();
	}

	@Test
	void sigtermStopsMasterAndWorkersWithStatusZeroWithinTheGracefulTimeout() throws Exception {
		this.master = startMaster(2, "--concurrency.multi-jvm.graceful-timeout=10s");
		this.master.awaitReady(2);
		List<Long> workers = this.master.livePids();
		long start = System.nanoTime();
		this.master.signal("TERM");
		assertThat(this.master.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(12));
		assertThat(this.master.process().exitValue()).isZero();
		assertThat(workers).allSatisfy((pid) -> assertThat(MasterProcess.running(pid)).isFalse());
	}

	@Test
	void masterKilledWithSigkillLeavesNoWorkerAliveAfterTwoSeconds() throws Exception {
		this.master = startMaster(2);
		this.master.awaitReady(2);
		List<Long> workers = this.master.livePids();
		this.master.process().destroyForcibly();
		Thread.sleep(2000);
		assertThat(workers).allSatisfy((pid) -> assertThat(MasterProcess.running(pid))
			.as("worker " + pid + " alive 2 s after its master's SIGKILL")
			.isFalse());
	}

	@Test
	void workersThatCannotStartMakeTheMasterExitNonZeroShowingTheirFailureAnalysis() throws Exception {
		// A key only a worker binds: the master refuses bad concurrency.* values itself,
		// before any worker starts.
		this.master = startMaster(1, "--server.servlet.session.timeout=lots");
		assertThat(this.master.process().waitFor(120, TimeUnit.SECONDS)).isTrue();
		assertThat(this.master.process().exitValue()).isEqualTo(3);
		assertThat(this.master.output()).contains("failed to boot 3 times in a row")
			.containsPattern("\\[worker \\d+ pid \\d+\\] APPLICATION FAILED TO START")
			.contains("server.servlet.session.timeout");
	}

	@Test
	void redisIsCheckedByEachWorkerNeverByTheMaster() throws Exception {
		int closedPort = MasterProcess.freePort();
		this.master = startMaster(1, "--spring.profiles.active=dev", "--spring.data.redis.port=" + closedPort,
				"--fail-fast.redis.attempts=1");
		assertThat(this.master.process().waitFor(120, TimeUnit.SECONDS)).isTrue();
		assertThat(this.master.process().exitValue()).isEqualTo(3);
		String output = this.master.output();
		// The master itself started: it opened no Redis connection.
		assertThat(output).contains("[master] Master " + this.master.process().pid() + " started");
		assertThat(output).containsPattern("\\[worker \\d+ pid \\d+\\] .*127\\.0\\.0\\.1:" + closedPort);
		assertThat(output.lines().filter((line) -> line.contains(":" + closedPort)))
			.allMatch((line) -> line.startsWith("[worker "));
	}

	/**
	 * The JSON object in a raw response, whether its body came chunked or not.
	 */
	private static String jsonBody(String response) {
		return response.substring(response.indexOf('{'), response.lastIndexOf('}') + 1);
	}

	/**
	 * GET on a connection of its own, so that the kernel may hand it to any worker.
	 */
	String getOnNewConnection(String path) throws IOException {
		return getOnNewConnection("127.0.0.1", path);
	}

	/**
	 * GET on a connection of its own from a given loopback address, with extra header
	 * lines.
	 */
	String getOnNewConnection(String from, String path, String... headers) throws IOException {
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(from, 0));
			socket.connect(new InetSocketAddress("127.0.0.1", this.master.port()), 5_000);
			socket.setSoTimeout(20_000);
			String extra = String.join("", List.of(headers).stream().map((header) -> header + "\r\n").toList());
			socket.getOutputStream()
				.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + this.master.port() + "\r\n" + extra
						+ "Connection: close\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	HttpResponse<String> post(String path, String json) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.master.port() + path))
			.timeout(Duration.ofSeconds(20))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	CompletableFuture<HttpResponse<String>> getAsync(String path, Duration timeout) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.master.port() + path))
			.timeout(timeout)
			.build();
		return this.client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
	}

	HttpResponse<String> get(String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.master.port() + path))
			.timeout(Duration.ofSeconds(20))
			.build();
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * GET /hello in a few closed loops until stopped or the time is up.
	 */
	static final class Load {

		private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

		private final List<Future<?>> loops = new ArrayList<>();

		private final AtomicInteger ok = new AtomicInteger();

		private final List<String> failures = new CopyOnWriteArrayList<>();

		private volatile boolean stopped;

		static Load start(MultiJvmMasterTests test, Duration duration, int loops) {
			Load load = new Load();
			long deadline = System.nanoTime() + duration.toNanos();
			for (int i = 0; i < loops; i++) {
				load.loops.add(load.executor.submit(() -> {
					for (int n = 0; n < 100_000 && !load.stopped && System.nanoTime() < deadline; n++) {
						try {
							HttpResponse<String> response = test.get("/hello");
							if (response.statusCode() == 200) {
								load.ok.incrementAndGet();
							}
							else {
								load.failures.add("status " + response.statusCode());
							}
						}
						catch (Exception ex) {
							load.failures.add(ex.toString());
						}
					}
				}));
			}
			return load;
		}

		void stop() {
			this.stopped = true;
		}

		Result await() throws Exception {
			for (Future<?> loop : this.loops) {
				loop.get(60, TimeUnit.SECONDS);
			}
			this.executor.close();
			return new Result(this.ok.get(), List.copyOf(this.failures));
		}

		record Result(int ok, List<String> failures) {
		}

	}

}
