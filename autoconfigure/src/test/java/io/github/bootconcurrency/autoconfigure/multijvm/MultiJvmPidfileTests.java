package io.github.bootconcurrency.autoconfigure.multijvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pidfile with two real masters: the second one, started with the first one's
 * pidfile, refuses to start, names the first, and leaves its pidfile as it was.
 */
class MultiJvmPidfileTests {

	private MasterProcess first;

	private MasterProcess second;

	@AfterEach
	void stop() {
		if (this.second != null) {
			this.second.kill();
		}
		if (this.first != null) {
			this.first.kill();
		}
	}

	@Test
	void secondMasterWithTheSamePidfileRefusesNamingTheFirstWhichKeepsItsPidfile(@TempDir Path dir) throws Exception {
		Path pidfile = dir.resolve("master.pid");
		String classPath = System.getProperty("java.class.path");
		this.first = MasterProcess.start(MultiJvmTestApplication.class, classPath, 1, List.of(),
				"--concurrency.multi-jvm.pidfile=" + pidfile);
		this.first.awaitReady(1);
		String firstPid = Long.toString(this.first.process().pid());
		assertThat(Files.readString(pidfile)).isEqualTo(firstPid + "\n");
		// On a port of its own, which it could bind: only the pidfile stops it.
		this.second = MasterProcess.start(MultiJvmTestApplication.class, classPath, 1, List.of(),
				"--concurrency.multi-jvm.pidfile=" + pidfile);
		assertThat(this.second.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(this.second.process().exitValue()).as(this.second.output()).isEqualTo(1);
		assertThat(this.second.output()).contains("The master could not run")
			.contains("will not use concurrency.multi-jvm.pidfile " + pidfile + ": it names process " + firstPid)
			.contains("kill -TERM " + firstPid)
			.doesNotContain("[worker ");
		assertThat(Files.readString(pidfile)).isEqualTo(firstPid + "\n");
		assertThat(this.first.process().isAlive()).isTrue();
		this.first.signal("TERM");
		assertThat(this.first.process().waitFor(40, TimeUnit.SECONDS)).isTrue();
		assertThat(pidfile).doesNotExist();
	}

}
