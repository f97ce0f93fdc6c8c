package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker whose JVM still runs but is wedged, with real JVMs: the heartbeat reports its
 * deadlocked threads, and the master replaces it with a thread dump in the log that shows
 * the deadlock.
 */
class MultiJvmHungWorkerTests {

	private MasterProcess master;

	@AfterEach
	void stop() {
		if (this.master != null) {
			this.master.kill();
		}
	}

	@Test
	void aWorkerWithDeadlockedThreadsIsReplacedWithAThreadDumpThatShowsTheDeadlock() throws Exception {
		this.master = MasterProcess.start(MultiJvmTestApplication.class, System.getProperty("java.class.path"), 1,
				List.of());
		this.master.awaitReady(1);
		long wedged = this.master.readyPids().get(0);
		try (HttpClient client = HttpClient.newHttpClient()) {
			HttpResponse<String> response = client
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.master.port() + "/deadlock"))
					.timeout(Duration.ofSeconds(20))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> !MasterProcess.running(wedged));
		this.master.awaitReady(2);
		assertThat(this.master.output())
			.contains("reports 2 deadlocked thread(s): dumping its threads, then killing it")
			.contains("Found one Java-level deadlock")
			.contains("\"deadlocked-1\"");
	}

}
