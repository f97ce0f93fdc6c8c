package io.github.bootconcurrency.autoconfigure.multijvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlProtocol;
import io.github.bootconcurrency.autoconfigure.testsupport.ProcessOutput;
import io.github.bootconcurrency.autoconfigure.testsupport.Reaper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real worker JVM whose master speaks another control protocol, as after a reload with
 * a jar of another version: it fails at boot, before the application starts, and says
 * what to do. This test's JVM plays the master: the worker is its child, started with the
 * properties a master sets, the protocol's version wrong. Its argument file, which holds
 * its token, is deleted all the same.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MultiJvmWorkerProtocolMismatchIT {

	private Process process;

	@AfterEach
	void stop() throws InterruptedException {
		if (this.process != null) {
			this.process.destroyForcibly();
			if (this.process.waitFor(10, TimeUnit.SECONDS)) {
				Reaper.forget(this.process.toHandle());
			}
		}
	}

	@Test
	void aWorkerWhoseMasterSpeaksAnotherProtocolFailsAtBootNamingBothVersions(@TempDir Path temp) throws Exception {
		Path argumentFile = Files
			.createDirectory(temp.resolve(WorkerEnvironment.ARGUMENT_FILE_DIRECTORY_PREFIX + "test"))
			.resolve("worker-1-1.args");
		Files.writeString(argumentFile, "-Dtoken=secret");
		this.process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
				System.getProperty("java.class.path"), "-D" + WorkerEnvironment.ID + "=1",
				"-D" + WorkerEnvironment.MASTER_PID + "=" + ProcessHandle.current().pid(),
				"-D" + ControlProtocol.VERSION_PROPERTY + "=" + (ControlProtocol.VERSION + 1),
				"-D" + WorkerEnvironment.ARGUMENT_FILE + "=" + argumentFile, MultiJvmTestApplication.class.getName(),
				"--server.port=0")
			.redirectErrorStream(true)
			.start();
		Reaper.watch(this.process.toHandle());
		ProcessOutput output = ProcessOutput.of("the worker", this.process);
		assertThat(output.awaitEnd(Duration.ofSeconds(90))).as("the worker exited").isTrue();
		assertThat(this.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.process.exitValue()).isNotZero();
		assertThat(output.text()).contains("APPLICATION FAILED TO START")
			.contains("This multi-jvm worker speaks control protocol " + ControlProtocol.VERSION + ", its master "
					+ (ControlProtocol.VERSION + 1))
			.contains("Restart the master")
			.doesNotContain("Tomcat started")
			.doesNotContain("Started MultiJvmTestApplication");
		assertThat(argumentFile).as("the worker's argument file").doesNotExist();
	}

}
