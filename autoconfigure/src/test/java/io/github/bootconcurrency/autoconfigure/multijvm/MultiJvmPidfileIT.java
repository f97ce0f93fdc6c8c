package io.github.bootconcurrency.autoconfigure.multijvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pidfile with two real masters (proxy balancer; the pidfile is the master's own,
 * whatever the balancer): the second one, started with the first one's pidfile, refuses
 * to start, names the first, and leaves its pidfile as it was.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MultiJvmPidfileIT {

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	@Test
	void secondMasterWithTheSamePidfileRefusesNamingTheFirstWhichKeepsItsPidfile(@TempDir Path dir) throws Exception {
		Path pidfile = dir.resolve("master.pid");
		MasterProcess first = this.masters.start(Balancer.PROXY, 1, "--concurrency.multi-jvm.pidfile=" + pidfile);
		first.awaitReady(1);
		String firstPid = Long.toString(first.process().pid());
		assertThat(Files.readString(pidfile)).isEqualTo(firstPid + "\n");
		// On a port of its own, which it could bind: only the pidfile stops it.
		MasterProcess second = this.masters.start(Balancer.PROXY, 1, "--concurrency.multi-jvm.pidfile=" + pidfile);
		assertThat(second.awaitExit(Duration.ofSeconds(60))).as(second.output()).isEqualTo(1);
		assertThat(second.output()).contains("The master could not run")
			.contains("will not use concurrency.multi-jvm.pidfile " + pidfile + ": it names process " + firstPid)
			.contains("kill -TERM " + firstPid)
			.doesNotContain("[worker ");
		assertThat(Files.readString(pidfile)).isEqualTo(firstPid + "\n");
		assertThat(first.process().isAlive()).isTrue();
		first.signal("TERM");
		assertThat(first.awaitExit(Duration.ofSeconds(60))).isZero();
		assertThat(pidfile).doesNotExist();
	}

}
