package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.EachBalancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import io.github.bootconcurrency.autoconfigure.testsupport.ProcessOutput;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

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
		// Each a line of that worker, or of the master about it, as it comes: the dump is
		// the worker's own output, which the master forwards.
		String worker = "worker \\d+ \\(pid " + wedged + ", .*\\) ";
		String itsOutput = "\\[worker \\d+ pid " + wedged + "\\] ";
		ProcessOutput lines = master.lines();
		lines.await(
				Pattern.compile(worker + "reports 2 deadlocked thread\\(s\\): dumping its threads, then killing it"), 1,
				Duration.ofSeconds(60));
		lines.await(Pattern.compile(itsOutput + "Found one Java-level deadlock"), 1, Duration.ofSeconds(30));
		lines.await(Pattern.compile(itsOutput + "\"deadlocked-1\""), 1, Duration.ofSeconds(30));
		lines.await(Pattern.compile(worker + "stopped with status"), 1, Duration.ofSeconds(30));
		master.awaitReady(2);
		assertThat(Http.get(master.port(), "/hello").body()).isEqualTo("hello");
	}

}
