package io.github.bootconcurrency.autoconfigure.multijvm;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker's output, with real JVMs: a line of 10 MB reaches the master's output cut to a
 * bounded length, the lines after it still arrive, and the worker keeps serving. The
 * master copies the output the same way whatever the balancer, so the proxy alone runs
 * it.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MultiJvmWorkerOutputIT {

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	@Test
	void aTenMegabyteLineArrivesCutAndTheWorkerKeepsServing() throws Exception {
		MasterProcess master = this.masters.start(Balancer.PROXY, 1);
		master.awaitReady(1);
		long worker = master.readyPids().get(0);
		assertThat(Http.get(master.port(), "/print-huge-line?megabytes=10").body()).isEqualTo("printed");
		master.lines().await("after the huge line", Duration.ofSeconds(60));
		String cut = master.lines()
			.lines()
			.stream()
			.map((line) -> line.text())
			.filter((line) -> line.contains("huge line start"))
			.findFirst()
			.orElseThrow();
		assertThat(cut).startsWith("[worker 1 pid " + worker + "] huge line start xxx")
			.endsWith(" more bytes not shown; lines are cut at 65536 bytes]")
			.hasSizeLessThan(70_000);
		for (int i = 0; i < 5; i++) {
			assertThat(Http.get(master.port(), "/hello").body()).isEqualTo("hello");
		}
		assertThat(master.livePids()).containsExactly(worker);
	}

}
