package io.github.bootconcurrency.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.EachBalancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import io.github.bootconcurrency.autoconfigure.testsupport.Traffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults in the sample app's workers and master, with real JVMs and real signals: a
 * worker killed under load, workers that keep dying, workers saturated or stopped, and
 * the master killed. Every load loop is bounded in count and time, and targets only
 * 127.0.0.1.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiJvmFaultsIT {

	@RegisterExtension
	final Masters masters = Masters.of(SampleApplication.class);

	@EachBalancer
	void aWorkerKilledUnderLoadIsReplacedWhileTheOtherKeepsServing(Balancer balancer) throws Exception {
		MasterProcess master = this.masters.start(balancer, 2);
		master.awaitReady(2);
		long victim = master.readyPids().get(0);
		Traffic traffic = Traffic.start(master.port(), "/io-bound?s=0", 4, Traffic.Connections.NEW,
				Duration.ofSeconds(120));
		traffic.awaitOk(50, Duration.ofSeconds(60));
		MasterProcess.signal("KILL", victim);
		master.lines().await("died with status 137: replacing it", Duration.ofSeconds(30));
		master.awaitReady(3);
		traffic.awaitOk(traffic.ok() + 50, Duration.ofSeconds(60));
		List<Traffic.Exchange> exchanges = traffic.stop();
		assertThat(exchanges).filteredOn((exchange) -> exchange.pid() == victim).isNotEmpty();
		long successor = master.readyPids().get(2);
		assertThat(exchanges).filteredOn((exchange) -> exchange.pid() == successor).isNotEmpty();
		// The proxy retries a GET whose worker died on another one; without a proxy, only
		// requests the dead worker had already accepted can fail: at most one per client.
		assertThat(exchanges).filteredOn((exchange) -> !exchange.ok())
			.hasSizeLessThanOrEqualTo((balancer == Balancer.PROXY) ? 0 : 4);
	}

	@Test
	void workersThatKeepDyingSoonAfterBootAreRespawnedWithAGrowingDelay() throws Exception {
		// The respawn delay is the master's own, whatever the balancer.
		MasterProcess master = this.masters.start(Balancer.PROXY, 1);
		for (int ready = 1; ready <= 3; ready++) {
			master.awaitReady(ready);
			List<Long> pids = master.readyPids();
			MasterProcess.signal("KILL", pids.get(pids.size() - 1));
		}
		master.awaitReady(4);
		assertThat(master.output()).contains("Next worker in 250 ms (1 early exit(s) in a row)")
			.contains("Next worker in 500 ms (2 early exit(s) in a row)")
			.contains("Next worker in 1000 ms (3 early exit(s) in a row)");
	}

	@Test
	void saturatedWorkersKeepTheirHeartbeatAndStayWhileAStoppedOneIsKilledWithinTheTimeout() throws Exception {
		// The proxy gives each worker 8 of the 16 requests; the kernel, under
		// shared-socket, may give one worker more than it takes in before queue-timeout.
		MasterProcess master = this.masters.start(Balancer.PROXY, 2, "--concurrency.multi-jvm.worker-model=virtual",
				"--concurrency.virtual.max-concurrent-requests=4", "--concurrency.multi-jvm.timeout=2s");
		master.awaitReady(2);
		List<Long> workers = master.livePids();
		// 16 requests of 9 s on 2 workers of 4 slots each: every slot busy for more than
		// 4 times the timeout. Busy is not hung: none is killed, and every request is
		// served.
		List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
		for (int i = 0; i < 16; i++) {
			slow.add(Http.getAsync(master.port(), "/io-bound?s=9", Duration.ofSeconds(90)));
		}
		for (CompletableFuture<HttpResponse<String>> response : slow) {
			assertThat(response.get(120, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		assertThat(master.output()).doesNotContain("dumping its threads");
		assertThat(master.livePids()).containsExactlyInAnyOrderElementsOf(workers);
		// A stopped process sends no heartbeat: killed once the timeout and the time it
		// is
		// given to dump its threads are past, then replaced.
		long stopped = workers.get(0);
		MasterProcess.signal("STOP", stopped);
		master.lines()
			.await(Pattern
				.compile("worker \\d+ \\(pid " + stopped + ", port \\d+, ready\\) sent no heartbeat for \\d+ ms"
						+ " \\(timeout 2s\\): dumping its threads, then killing it"),
					1, Duration.ofSeconds(60));
		await().atMost(Duration.ofSeconds(60)).until(() -> !MasterProcess.running(stopped));
		master.awaitReady(3);
		assertThat(Http.get(master.port(), "/hello").statusCode()).isEqualTo(200);
	}

	@Test
	void masterKilledWithSigkillLeavesNoWorkerAlive() throws Exception {
		// The workers watch their master, whatever the balancer; those of shared-socket
		// hold the listening socket, so their end is what frees the port.
		MasterProcess master = this.masters.start(Balancer.SHARED_SOCKET, 2);
		master.awaitReady(2);
		List<Long> workers = master.livePids();
		master.process().destroyForcibly();
		// A worker looks four times a second and halts at once: about a second here,
		// bounded for a loaded machine. Without the watch, workers serve on for ever.
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(50))
			.untilAsserted(() -> assertThat(workers).allSatisfy((pid) -> assertThat(MasterProcess.running(pid))
				.as("worker " + pid + " alive after its master's SIGKILL")
				.isFalse()));
	}

}
