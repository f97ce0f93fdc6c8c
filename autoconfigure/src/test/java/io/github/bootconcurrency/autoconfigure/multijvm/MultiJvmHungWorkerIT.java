package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.EachBalancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker whose JVM still runs but is wedged, with real JVMs, under each balancer: the
 * heartbeat reports its deadlocked threads, and the master replaces it with a thread dump
 * in the log that shows the deadlock.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MultiJvmHungWorkerIT {

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	@EachBalancer
	void aWorkerWithDeadlockedThreadsIsReplacedWithAThreadDumpThatShowsTheDeadlock(Balancer balancer) throws Exception {
		MasterProcess master = this.masters.start(balancer, 1);
		master.awaitReady(1);
		long wedged = master.readyPids().get(0);
		HttpResponse<String> response = Http.get(master.port(), "/deadlock");
		assertThat(response.statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(60)).until(() -> !MasterProcess.running(wedged));
		master.awaitReady(2);
		assertThat(master.output()).contains("reports 2 deadlocked thread(s): dumping its threads, then killing it")
			.contains("Found one Java-level deadlock")
			.contains("\"deadlocked-1\"");
		assertThat(Http.get(master.port(), "/hello").body()).isEqualTo("hello");
	}

}
