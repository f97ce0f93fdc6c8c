package io.github.bootconcurrency.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.EachBalancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Handover;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import io.github.bootconcurrency.autoconfigure.testsupport.Traffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reloads and recycling of the sample app's workers, with real JVMs and real signals:
 * every worker replaced surge-first under load with no failed request, under each
 * balancer; a configuration read again on {@code HUP}; and configurations that cannot be
 * used, which leave the running workers as they are. Every load loop is bounded in count
 * and time, and targets only 127.0.0.1.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiJvmReloadIT {

	private static final JsonMapper json = JsonMapper.builder().build();

	@RegisterExtension
	final Masters masters = Masters.of(SampleApplication.class);

	@EachBalancer
	void sighupReplacesEveryWorkerSurgeFirstUnderLoadWithNoFailedRequest(Balancer balancer) throws Exception {
		MasterProcess master = this.masters.start(balancer, 2);
		master.awaitReady(2);
		List<Long> before = master.readyPids();
		Traffic traffic = Traffic.start(master.port(), "/io-bound?s=0", 4, Traffic.Connections.NEW,
				Duration.ofMinutes(4));
		traffic.awaitOk(20, Duration.ofSeconds(60));
		master.signal("HUP");
		master.awaitReady(4);
		for (long old : before) {
			master.awaitStopped(old, Duration.ofSeconds(60));
		}
		traffic.awaitOk(traffic.ok() + 20, Duration.ofSeconds(60));
		List<Traffic.Exchange> exchanges = traffic.stop();
		Handover.assertEachSurgeFirst(master, balancer, exchanges, before);
		assertThat(master.livePids()).hasSize(2).doesNotContainAnyElementsOf(before);
	}

	@EachBalancer
	void workersRecycledAfterMaxRequestsAreReplacedSurgeFirstWithNoFailedRequest(Balancer balancer) throws Exception {
		MasterProcess master = this.masters.start(balancer, 2, "--concurrency.multi-jvm.max-requests=60",
				"--concurrency.multi-jvm.max-requests-jitter=20");
		master.awaitReady(2);
		List<Long> before = master.readyPids();
		Traffic traffic = Traffic.start(master.port(), "/io-bound?s=0", 4, Traffic.Connections.NEW,
				Duration.ofMinutes(4));
		for (long old : before) {
			master.awaitStopped(old, Duration.ofMinutes(3));
		}
		// The last successor became ready as its predecessor retired: requests after
		// that show it serving.
		traffic.awaitOk(traffic.ok() + 20, Duration.ofSeconds(60));
		List<Traffic.Exchange> exchanges = traffic.stop();
		assertThat(master.output())
			.containsPattern("served \\d+ requests \\(max-requests with jitter: (6\\d|7\\d|80)\\)");
		Handover.assertEachSurgeFirst(master, balancer, exchanges, before);
		JsonNode counters = json.readTree(Http.get(master.port(), "/actuator/concurrency").body())
			.get("cluster")
			.get("counters");
		assertThat(counters.get("recycled").asInt()).isGreaterThanOrEqualTo(2);
	}

	@Test
	void sighupReadsTheConfigurationAgainIncludingWorkerCountAndModel(@TempDir Path config) throws Exception {
		Path file = config.resolve("application.yml");
		Files.writeString(file, "concurrency.multi-jvm.workers: 1\n");
		MasterProcess master = this.masters.start(Balancer.PROXY, 0,
				"--spring.config.additional-location=file:" + config + "/");
		master.awaitReady(1);
		long first = master.readyPids().get(0);
		assertThat(json.readTree(Http.get(master.port(), "/actuator/concurrency").body()).get("model").asString())
			.isEqualTo("platform");
		Files.writeString(file, "concurrency.multi-jvm:\n  workers: 2\n  worker-model: virtual\n");
		master.signal("HUP");
		master.awaitReady(3);
		master.awaitStopped(first, Duration.ofSeconds(60));
		assertThat(master.livePids()).hasSize(2).doesNotContain(first);
		JsonNode concurrency = json.readTree(Http.get(master.port(), "/actuator/concurrency").body());
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
		MasterProcess master = this.masters.start(Balancer.PROXY, 0,
				"--spring.config.additional-location=file:" + config + "/");
		master.awaitReady(1);
		List<Long> before = master.livePids();
		// A value the checks refuse, one that cannot be bound, and a file that is not
		// YAML.
		Files.writeString(file, "concurrency.multi-jvm.workers: lots\n");
		reloadAndAwait(master, "concurrency.multi-jvm.workers = lots", 1);
		Files.writeString(file, valid + "  timeout: lots\n");
		reloadAndAwait(master, "Failed to bind properties under 'concurrency.multi-jvm.timeout'", 2);
		Files.writeString(file, valid + "  timeout: [lots\n");
		reloadAndAwait(master, "Received SIGHUP, but the configuration cannot be used", 3);
		assertThat(master.livePids()).isEqualTo(before);
		assertThat(Http.get(master.port(), "/hello").statusCode()).isEqualTo(200);
		master.signal("TERM");
		assertThat(master.awaitExit(Duration.ofSeconds(60))).isZero();
		assertThat(master.output()).contains("Received SIGTERM: stopping gracefully");
	}

	private static void reloadAndAwait(MasterProcess master, String reported, int failures) throws Exception {
		master.signal("HUP");
		master.lines().await("the configuration cannot be used", failures, Duration.ofSeconds(60));
		master.lines().await(reported, Duration.ofSeconds(10));
	}

	@EachBalancer
	void aReloadWhoseFirstWorkerCannotBootIsAbandonedWhileTheRunningWorkersKeepServing(Balancer balancer,
			@TempDir Path config) throws Exception {
		Path file = config.resolve("application.yml");
		Files.writeString(file, "concurrency.multi-jvm.workers: 2\n");
		MasterProcess master = this.masters.start(balancer, 0,
				"--spring.config.additional-location=file:" + config + "/");
		master.awaitReady(2);
		List<Long> before = master.livePids();
		Traffic traffic = Traffic.start(master.port(), "/io-bound?s=0", 2, Traffic.Connections.NEW,
				Duration.ofMinutes(4));
		traffic.awaitOk(20, Duration.ofSeconds(60));
		// A key only a worker binds: the master reads the file, the new worker fails.
		Files.writeString(file, "concurrency.multi-jvm.workers: 2\nserver.servlet.session.timeout: lots\n");
		master.signal("HUP");
		master.lines()
			.await("reload abandoned, the 2 running worker(s) and the previous configuration stay",
					MasterProcess.BOOT_TIMEOUT);
		traffic.awaitOk(traffic.ok() + 20, Duration.ofSeconds(60));
		List<Traffic.Exchange> exchanges = traffic.stop();
		assertThat(exchanges).allSatisfy((exchange) -> assertThat(exchange.ok()).as(exchange.toString()).isTrue());
		assertThat(exchanges).extracting(Traffic.Exchange::pid).containsOnly(before.toArray(Long[]::new));
		assertThat(master.livePids()).containsExactlyInAnyOrderElementsOf(before);
		assertThat(master.output()).containsPattern("\\[worker \\d+ pid \\d+\\] APPLICATION FAILED TO START")
			.doesNotContain("left the balancer");
		await().atMost(Duration.ofSeconds(5)).until(() -> master.process().isAlive());
	}

}
