package io.github.bootconcurrency.sample;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.ClosedPort;
import io.github.bootconcurrency.autoconfigure.testsupport.Commands;
import io.github.bootconcurrency.autoconfigure.testsupport.EachBalancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app as a multi-jvm master, started as a user starts it, serving: its workers
 * behind one port under each balancer, the client they see, requests that come before any
 * worker is ready, and the control channel that only its workers may use.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiJvmServingIT {

	private static final JsonMapper json = JsonMapper.builder().build();

	@RegisterExtension
	final Masters masters = Masters.of(SampleApplication.class);

	@Test
	void masterStartsTwoWorkersThatBothServeBehindOnePortBehindTheProxyByDefault() throws Exception {
		// No balancer set: the proxy, on every OS and JDK, which says why.
		MasterProcess master = this.masters.start(Balancer.DEFAULT, 2);
		master.awaitReady(2);
		assertThat(master.output()).contains("balancer 'proxy' (the default: ");
		for (int i = 0; i < 20; i++) {
			assertThat(Http.get(master.port(), "/io-bound?s=0").statusCode()).isEqualTo(200);
		}
		// The proxy spreads requests over the workers: each one served some, as it tells
		// the master in its heartbeat.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			JsonNode cluster = assertClusterView(master, "proxy", 2);
			for (JsonNode worker : cluster.get("workers")) {
				assertThat(worker.get("requests").asLong()).as(cluster.toString()).isPositive();
			}
		});
		assertThat(master.output()).doesNotContain("Redis");
	}

	@Test
	void sharedSocketWorkersAcceptOnTheMastersSocketAndTheMasterStatesItsTradeOff() throws Exception {
		MasterProcess master = this.masters.start(Balancer.SHARED_SOCKET, 2);
		master.awaitReady(2);
		// An opt-in, whose cost the start line states.
		assertThat(master.output()).containsPattern("balancer 'shared-socket' \\(concurrency.multi-jvm.balancer="
				+ "shared-socket .*a worker that crashes loses the requests on its connections");
		for (int i = 0; i < 40; i++) {
			String response = Http.getOnNewConnection(master.port(), "/io-bound?s=0");
			assertThat(response).startsWith("HTTP/1.1 200");
			// No proxy: the worker's Tomcat accepts on the socket it inherited.
			assertThat(response).contains("http-nio-JVMInheritedChannel-exec");
		}
		// The kernel spreads connections over the workers: each one served some.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			JsonNode cluster = assertClusterView(master, "shared-socket", 2);
			for (JsonNode worker : cluster.get("workers")) {
				assertThat(worker.get("requests").asLong()).as(cluster.toString()).isPositive();
			}
		});
		assertThat(master.output()).doesNotContain("restricted method");
	}

	private static JsonNode assertClusterView(MasterProcess master, String balancer, int workers) throws Exception {
		// The cluster view, as the master sees it, from whichever worker answers.
		JsonNode cluster = json.readTree(Http.get(master.port(), "/actuator/concurrency").body()).get("cluster");
		assertThat(cluster.get("balancer").asString()).isEqualTo(balancer);
		assertThat(cluster.get("targetWorkers").asInt()).isEqualTo(workers);
		List<Long> pids = new ArrayList<>();
		for (JsonNode worker : cluster.get("workers")) {
			assertThat(worker.get("state").asString()).isEqualTo("ready");
			// Within the heap the sample's multi profile gives each worker.
			assertThat(worker.get("heapUsedBytes").asLong()).isBetween(1L, 256L * 1024 * 1024);
			// Its boot time and AOT cache, as its ready line said them (off: this master
			// runs from classes, so it keeps no cache and the line names none).
			long bootMillis = worker.get("bootMillis").asLong();
			String aotCache = worker.get("aotCache").asString();
			assertThat(bootMillis).isPositive().isLessThanOrEqualTo(worker.get("ageMillis").asLong());
			assertThat(aotCache).isEqualTo("off");
			assertThat(master.output()).containsPattern(Pattern.compile(
					"\\(pid " + worker.get("pid").asLong() + "\\b[^)]*\\) is ready after " + bootMillis + " ms$",
					Pattern.MULTILINE));
			pids.add(worker.get("pid").asLong());
		}
		assertThat(pids).containsExactlyInAnyOrderElementsOf(master.livePids());
		assertThat(cluster.get("counters").get("spawned").asInt()).isEqualTo(workers);
		return cluster;
	}

	@EachBalancer
	void workersSeeTheRealClientAndNotAHeaderItForged(Balancer balancer) throws Exception {
		MasterProcess master = this.masters.start(balancer, 1);
		master.awaitReady(1);
		// All of 127/8 is loopback: a client on 127.0.0.2 is told apart from the master.
		String response = Http.getOnNewConnection("127.0.0.2", master.port(), "/client",
				"X-Forwarded-For: 203.0.113.9");
		assertThat(response).startsWith("HTTP/1.1 200");
		JsonNode client = json.readTree(Http.jsonBody(response));
		assertThat(client.get("address").asString()).isEqualTo("127.0.0.2");
		// Behind the proxy too, the port the client connected to.
		assertThat(client.get("port").asInt()).isEqualTo(master.port());
	}

	@EachBalancer
	void requestsThatArriveBeforeAnyWorkerIsReadyWaitAndAreAllServed(Balancer balancer) throws Exception {
		MasterProcess master = this.masters.start(balancer, 2);
		// The master says on which port it listens once it does, before any worker runs.
		int port = master.port();
		List<CompletableFuture<HttpResponse<String>>> early = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			early.add(Http.getAsync(port, "/hello", MasterProcess.BOOT_TIMEOUT));
		}
		assertThat(master.readyPids()).as("fired before any worker was ready").isEmpty();
		for (CompletableFuture<HttpResponse<String>> response : early) {
			assertThat(response.get(MasterProcess.BOOT_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS).statusCode())
				.isEqualTo(200);
		}
		// No port is chosen for a worker: each binds its own and reports it, and the
		// master knows each worker by the port it really listens on.
		master.awaitReady(2);
		JsonNode cluster = json.readTree(Http.get(port, "/actuator/concurrency").body()).get("cluster");
		for (JsonNode worker : cluster.get("workers")) {
			long pid = worker.get("pid").asLong();
			// The arguments come from a private argument file, not the command line that
			// ps shows: ask the worker's JVM what it was given.
			assertThat(MasterProcess.commandLine(pid)).noneMatch((argument) -> argument.startsWith("--server.port="));
			assertThat(javaCommand(pid)).filteredOn((argument) -> argument.startsWith("--server.port="))
				.containsExactly("--server.port=0");
			if (balancer == Balancer.PROXY) {
				assertThat(MasterProcess.listeningPorts(pid)).containsExactly(worker.get("port").asInt());
			}
		}
	}

	/**
	 * The main class and arguments a JVM was started with, as the JVM itself reports them
	 * (jcmd's {@code java_command}), argument files expanded.
	 */
	private static List<String> javaCommand(long pid) {
		Path jcmd = Path.of(MasterProcess.java()).resolveSibling("jcmd");
		Commands.Result result = Commands.run(List.of(jcmd.toString(), Long.toString(pid), "VM.command_line"),
				Duration.ofSeconds(60));
		assertThat(result.exitValue()).as(result.output()).isZero();
		return result.output()
			.lines()
			.filter((line) -> line.startsWith("java_command:"))
			.flatMap((line) -> Arrays.stream(line.split(" ")))
			.toList();
	}

	@Test
	void controlChannelRefusesAnythingButTheMastersWorkers() throws Exception {
		// The channel is the master's own, whatever the balancer.
		MasterProcess master = this.masters.start(Balancer.PROXY, 1);
		master.awaitReady(1);
		Matcher matcher = Pattern.compile("Control channel: (\\S+)").matcher(master.output());
		assertThat(matcher.find()).isTrue();
		Path socket = Path.of(matcher.group(1));
		assertThat(Files.getPosixFilePermissions(socket.getParent())).containsExactlyInAnyOrder(
				PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
		assertThat(ask(socket, "1 0123456789abcdef STATUS")).isEqualTo("DENIED\n");
		assertThat(ask(socket, "SCALE 9")).isEqualTo("DENIED\n");
		master.lines().await("control channel refused a request that is not from worker 1", Duration.ofSeconds(10));
		master.lines().await("control channel refused a malformed request", Duration.ofSeconds(10));
		assertThat(master.livePids()).hasSize(1);
	}

	private static String ask(Path socket, String line) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(socket));
			channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
			channel.shutdownOutput();
			// The master answers and closes at once: a read that blocks is a failure,
			// which the class's timeout ends.
			return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	@Test
	void workersThatCannotStartMakeTheMasterExitNonZeroShowingTheirFailureAnalysis() throws Exception {
		// A key only a worker binds: the master refuses bad concurrency.* values itself,
		// before any worker starts.
		MasterProcess master = this.masters.start(Balancer.PROXY, 1, "--server.servlet.session.timeout=lots");
		assertThat(master.awaitExit(Duration.ofSeconds(3).plus(MasterProcess.BOOT_TIMEOUT.multipliedBy(3))))
			.isEqualTo(3);
		assertThat(master.output()).contains("failed to boot 3 times in a row")
			.containsPattern("\\[worker \\d+ pid \\d+\\] APPLICATION FAILED TO START")
			.contains("server.servlet.session.timeout");
	}

	@Test
	void redisIsCheckedByEachWorkerNeverByTheMaster() throws Exception {
		try (ClosedPort closed = new ClosedPort()) {
			MasterProcess master = this.masters.start(Balancer.PROXY, 1, "--spring.profiles.active=dev",
					"--spring.data.redis.port=" + closed.port(), "--fail-fast.redis.attempts=1");
			assertThat(master.awaitExit(MasterProcess.BOOT_TIMEOUT.multipliedBy(3))).isEqualTo(3);
			String output = master.output();
			// The master itself started: it opened no Redis connection.
			assertThat(output).contains("[master] Master " + master.process().pid() + " started");
			assertThat(output).containsPattern("\\[worker \\d+ pid \\d+\\] .*127\\.0\\.0\\.1:" + closed.port());
			assertThat(output.lines().filter((line) -> line.contains(":" + closed.port())))
				.allMatch((line) -> line.startsWith("[worker "));
		}
	}

}
