package io.github.bootconcurrency.autoconfigure.multijvm;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.EachBalancer;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import io.github.bootconcurrency.autoconfigure.testsupport.ProcessOutput;
import io.github.bootconcurrency.autoconfigure.testsupport.Traffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A master whose environment fails under it, with real JVMs, under each balancer: its
 * workers' argument directory removed (as a {@code /tmp} cleaner does), then a worker
 * killed with SIGKILL. The master creates the directory again, replaces the worker, and
 * the service answers throughout; where it cannot (a file in the directory's place), it
 * retries with a growing delay while the other worker serves, and recovers once the file
 * goes (under {@code proxy}). Under {@code proxy} no request fails (it retries a GET
 * whose worker died on another); under {@code shared-socket} only the connections the
 * killed worker had accepted can fail: at most one per client. Load is bounded in count
 * and time, on 127.0.0.1 only.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiJvmLaunchFailureIT {

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	@EachBalancer
	void aWorkerKilledAfterTheArgumentDirectoryWasRemovedIsReplacedWhileTheServiceAnswers(Balancer balancer)
			throws Exception {
		MasterProcess master = this.masters.start(balancer, 2);
		master.awaitReady(2);
		long victim = master.readyPids().get(0);
		Path directory = argumentDirectory(victim);
		removeAll(directory);
		assertThat(directory).doesNotExist();
		Traffic traffic = Traffic.start(master.port(), "/where", 2, Traffic.Connections.NEW, Duration.ofMinutes(4));
		traffic.awaitOk(20, Duration.ofSeconds(60));
		MasterProcess.signal("KILL", victim);
		master.lines().await("died with status 137: replacing it", Duration.ofSeconds(30));
		master.awaitReady(3);
		long successor = master.readyPids().get(2);
		traffic.awaitOk(traffic.ok() + 50, Duration.ofSeconds(60));
		List<Traffic.Exchange> exchanges = traffic.stop();
		assertThat(master.process().isAlive()).as("the master runs on").isTrue();
		assertThat(master.output()).contains("The directory of the workers' argument files was removed")
			.doesNotContain("Could not start")
			.doesNotContain("failed to boot");
		assertThat(directory).isDirectory();
		assertThat(exchanges).filteredOn((exchange) -> exchange.pid() == victim).isNotEmpty();
		assertThat(exchanges).filteredOn((exchange) -> exchange.pid() == successor).isNotEmpty();
		// The proxy retries a GET whose worker died on another one; under shared-socket,
		// only the connections the killed worker had accepted can fail: at most one per
		// client.
		assertThat(exchanges).filteredOn((exchange) -> !exchange.ok())
			.hasSizeLessThanOrEqualTo((balancer == Balancer.PROXY) ? 0 : 2);
	}

	// The retry policy is the loop's, whatever the balancer (ArbiterLaunchFailureTests);
	// serving under each balancer while the master recovers is the test above.
	@Test
	void whileNoWorkerCanBeLaunchedTheMasterRetriesAndServesThenRecovers() throws Exception {
		Balancer balancer = Balancer.PROXY;
		MasterProcess master = this.masters.start(balancer, 2);
		master.awaitReady(2);
		long victim = master.readyPids().get(0);
		Path directory = argumentDirectory(victim);
		removeAll(directory);
		// A file where the directory was: the master cannot create it again, and no
		// worker can be launched until the file goes.
		Files.createFile(directory);
		Traffic traffic = Traffic.start(master.port(), "/where", 2, Traffic.Connections.NEW, Duration.ofMinutes(4));
		try {
			traffic.awaitOk(20, Duration.ofSeconds(60));
			MasterProcess.signal("KILL", victim);
			ProcessOutput.Line episode = master.lines()
				.await("the master's environment fails, not the application", Duration.ofSeconds(30));
			assertThat(episode.text()).contains("Could not start worker 3")
				.contains(directory.toString())
				.contains("while 1 worker(s) run");
			// Long enough for attempts 1, 2 and 4 s apart: today's third would have
			// stopped
			// the master. Measured by the answers the surviving worker gives meanwhile.
			long until = episode.nanos() + Duration.ofSeconds(8).toNanos();
			for (int i = 0; i < 2000 && System.nanoTime() < until; i++) {
				traffic.awaitOk(traffic.ok() + 10, Duration.ofSeconds(30));
			}
			assertThat(System.nanoTime()).as("8 s of service").isGreaterThanOrEqualTo(until);
			Files.delete(directory);
			ProcessOutput.Line recovered = master.lines()
				.await(Pattern.compile("Workers can be started again, after (\\d+) failed attempt"), 1,
						Duration.ofSeconds(60));
			Matcher attempts = Pattern.compile("after (\\d+) failed").matcher(recovered.text());
			assertThat(attempts.find()).isTrue();
			assertThat(Integer.parseInt(attempts.group(1))).isGreaterThanOrEqualTo(3);
			master.awaitReady(3);
			traffic.awaitOk(traffic.ok() + 50, Duration.ofSeconds(60));
		}
		finally {
			Files.deleteIfExists(directory);
		}
		List<Traffic.Exchange> exchanges = traffic.stop();
		long successor = master.readyPids().get(2);
		assertThat(master.process().isAlive()).as("the master runs on").isTrue();
		assertThat(master.lines().count(Pattern.compile("Could not start"))).as("one line per episode").isOne();
		assertThat(master.output()).doesNotContain("failed to boot").doesNotContain("stopping");
		assertThat(exchanges).filteredOn((exchange) -> exchange.pid() == successor).isNotEmpty();
		assertThat(exchanges).filteredOn((exchange) -> !exchange.ok())
			.hasSizeLessThanOrEqualTo((balancer == Balancer.PROXY) ? 0 : 2);
	}

	/**
	 * The directory of the master's argument files, from a worker's command line:
	 * {@code java @<directory>/worker-N-M.args}.
	 */
	private static Path argumentDirectory(long worker) throws IOException {
		String file = MasterProcess.commandLine(worker)
			.stream()
			.filter((argument) -> argument.startsWith("@") && argument.contains("concurrency-worker-args-"))
			.findFirst()
			.orElseThrow();
		return Path.of(file.substring(1)).getParent();
	}

	private static void removeAll(Path directory) throws IOException {
		try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
			for (Path file : files) {
				Files.deleteIfExists(file);
			}
		}
		Files.delete(directory);
	}

}
