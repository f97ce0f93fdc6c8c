package io.github.bootconcurrency.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changing the sample app's workers while it runs, with real JVMs and real signals: the
 * actuator's write operation, off until enabled; {@code TTIN} and {@code TTOU}; signals
 * that were ignored when the master started. What is changed is the master's own,
 * whatever the balancer; these tests name the proxy.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiJvmControlIT {

	private static final JsonMapper json = JsonMapper.builder().build();

	/**
	 * Shorter than Tomcat's 20 s, so that a test can outwait it.
	 */
	private static final Duration KEEP_ALIVE = Duration.ofSeconds(2);

	@RegisterExtension
	final Masters masters = Masters.of(SampleApplication.class);

	@Test
	void actuatorWriteOperationIsOffByDefault() throws Exception {
		MasterProcess master = this.masters.start(Balancer.PROXY, 1);
		master.awaitReady(1);
		assertThat(Http.post(master.port(), "/actuator/concurrency", "{\"workers\": 2}").statusCode()).isBetween(400,
				499);
		// A fence: the master logs in order, so a scale it had been asked for would come
		// before this.
		master.signal("TTIN");
		master.lines().await("Received SIGTTIN", Duration.ofSeconds(30));
		assertThat(master.output()).doesNotContain("Scale requested");
	}

	@Test
	void actuatorWriteOperationScalesAndReloadsOnceEnabledAndAnswersWithWhatTheMasterDid() throws Exception {
		MasterProcess master = this.masters.start(Balancer.PROXY, 1,
				"--management.endpoint.concurrency.access=unrestricted");
		master.awaitReady(1);
		HttpResponse<String> scaled = Http.post(master.port(), "/actuator/concurrency", "{\"workers\": 2}");
		assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
		// The answer comes once the master's loop has set the target, not before.
		assertThat(json.readTree(scaled.body()).get("targetWorkers").asInt()).as(scaled.body()).isEqualTo(2);
		master.awaitReady(2);
		assertThat(Http.post(master.port(), "/actuator/concurrency", "{\"workers\": 0}").statusCode()).isEqualTo(400);
		List<Long> before = master.livePids();
		HttpResponse<String> reloaded = Http.post(master.port(), "/actuator/concurrency", "{\"reload\": true}");
		assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
		master.lines().await("Reload requested through the actuator", Duration.ofSeconds(10));
		for (long old : before) {
			master.awaitStopped(old, MasterProcess.BOOT_TIMEOUT);
		}
		// As Gunicorn's HUP, the reload reads the worker count again too: 1, from the
		// command line; the count set through the actuator does not outlive it.
		assertThat(master.livePids()).hasSize(1).doesNotContainAnyElementsOf(before);
	}

	@Test
	void postAfterTheProxysConnectionsWereIdleLongerThanTheWorkersKeepAliveIsServed() throws Exception {
		MasterProcess master = this.masters.start(Balancer.PROXY, 1,
				"--management.endpoint.concurrency.access=unrestricted",
				"--concurrency.keep-alive-timeout=" + KEEP_ALIVE.toSeconds() + "s");
		master.awaitReady(1);
		assertThat(Http.post(master.port(), "/actuator/concurrency", "{\"workers\": 0}").statusCode()).isEqualTo(400);
		// Idle longer than a worker's keep-alive is the case under test: a POST is not
		// retried, so the proxy must not send it on a connection the worker has closed
		// meanwhile.
		Thread.sleep(KEEP_ALIVE.plusSeconds(1).toMillis());
		assertThat(Http.post(master.port(), "/actuator/concurrency", "{\"workers\": 0}").statusCode()).isEqualTo(400);
	}

	@Test
	void ttinAndTtouChangeTheWorkerCountButNeverBelowOne() throws Exception {
		MasterProcess master = this.masters.start(Balancer.PROXY, 1);
		master.awaitReady(1);
		master.signal("TTIN");
		master.awaitReady(2);
		assertThat(master.livePids()).hasSize(2);
		long second = master.readyPids().get(1);
		master.signal("TTOU");
		master.awaitStopped(second, Duration.ofSeconds(60));
		master.signal("TTOU");
		assertThat(master.lines().await("Received SIGTTOU", 2, Duration.ofSeconds(30)).text())
			.endsWith("Received SIGTTOU: 1 worker(s)");
		assertThat(master.livePids()).as("never below one worker").hasSize(1);
	}

	@Test
	void signalsIgnoredWhenTheMasterStartedAreReportedAndTtinIsStillHandled() throws Exception {
		// As under nohup: SIGHUP ignored, inherited through exec by the master's JVM.
		MasterProcess master = this.masters.start(Balancer.PROXY, 1,
				List.of("sh", "-c", "trap '' HUP TTIN; exec \"$0\" \"$@\""));
		master.awaitReady(1);
		assertThat(master.output()).contains("WARNING: SIGHUP was ignored when the master started")
			.contains("kill -HUP will not reload")
			.contains("WARNING: SIGTTIN was ignored when the master started")
			.contains("the master handles it now");
		List<Long> before = master.livePids();
		master.signal("HUP");
		master.signal("TTIN");
		master.awaitReady(2);
		assertThat(master.process().isAlive()).isTrue();
		assertThat(master.output()).doesNotContain("Received SIGHUP").contains("Received SIGTTIN");
		assertThat(master.livePids()).hasSize(2).containsAll(before);
	}

}
