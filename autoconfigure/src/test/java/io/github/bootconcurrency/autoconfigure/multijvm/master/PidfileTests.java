package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link Pidfile}, with real files and real processes: a JVM that runs, a
 * program that is not a JVM, and a process that has ended.
 */
class PidfileTests {

	private static final String OWN_PID = ProcessHandle.current().pid() + "\n";

	private final ByteArrayOutputStream output = new ByteArrayOutputStream();

	private final PrintStream out = new PrintStream(this.output, true, StandardCharsets.UTF_8);

	private Process process;

	@TempDir
	Path dir;

	@AfterEach
	void stopProcess() {
		if (this.process != null) {
			this.process.destroyForcibly();
		}
	}

	@Test
	void pidfileNamingARunningJvmIsRefusedBeforeAndAfterBindingAndLeftAsItWas() throws Exception {
		this.process = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-cp",
				System.getProperty("java.class.path"), Sleeper.class.getName())
			.start();
		Path path = this.dir.resolve("master.pid");
		Files.writeString(path, this.process.pid() + "\n");
		Pidfile pidfile = new Pidfile(path, this.out);
		assertThatExceptionOfType(PidfileInUseException.class).isThrownBy(pidfile::check)
			.withMessageContaining("it names process " + this.process.pid())
			.satisfies((ex) -> assertThat(ex.getPid()).isEqualTo(this.process.pid()));
		assertThatExceptionOfType(PidfileInUseException.class).isThrownBy(pidfile::write);
		pidfile.delete();
		assertThat(Files.readString(path)).isEqualTo(this.process.pid() + "\n");
	}

	@Test
	void pidfileOfAnEndedProcessIsReplacedSayingSo() throws Exception {
		Process ended = new ProcessBuilder("true").start();
		assertThat(ended.waitFor(10, TimeUnit.SECONDS)).isTrue();
		Path path = this.dir.resolve("master.pid");
		Files.writeString(path, ended.pid() + "\n");
		Pidfile pidfile = new Pidfile(path, this.out);
		pidfile.check();
		pidfile.write();
		assertThat(Files.readString(path)).isEqualTo(OWN_PID);
		assertThat(this.output.toString(StandardCharsets.UTF_8))
			.contains("Replaced the stale pidfile " + path + ": process " + ended.pid());
		pidfile.delete();
		assertThat(path).doesNotExist();
	}

	@Test
	void pidfileWhosePidNowRunsAProgramThatIsNoJvmIsStale() throws Exception {
		this.process = new ProcessBuilder("sleep", "60").start();
		Path path = this.dir.resolve("master.pid");
		Files.writeString(path, this.process.pid() + "\n");
		Pidfile pidfile = new Pidfile(path, this.out);
		pidfile.write();
		assertThat(Files.readString(path)).isEqualTo(OWN_PID);
	}

	@Test
	void symbolicLinkIsNeverWrittenThrough() throws Exception {
		Path target = this.dir.resolve("precious.conf");
		Files.writeString(target, "keep me\n");
		Path path = Files.createSymbolicLink(this.dir.resolve("master.pid"), target);
		Pidfile pidfile = new Pidfile(path, this.out);
		assertThatExceptionOfType(PidfileInUseException.class).isThrownBy(pidfile::write)
			.withMessageContaining("symbolic link");
		Files.delete(target);
		// Dangling: still refused, and nothing is created where it points.
		assertThatExceptionOfType(PidfileInUseException.class).isThrownBy(pidfile::write);
		assertThat(target).doesNotExist();
		Files.writeString(target, "keep me\n");
		assertThat(Files.readString(target)).isEqualTo("keep me\n");
		assertThat(Files.isSymbolicLink(path)).isTrue();
	}

	@Test
	void fileThatHoldsNoPidIsNotReplaced() throws Exception {
		Path path = this.dir.resolve("master.pid");
		Files.writeString(path, "server.port=8080\n");
		Pidfile pidfile = new Pidfile(path, this.out);
		assertThatExceptionOfType(PidfileInUseException.class).isThrownBy(pidfile::write)
			.withMessageContaining("does not hold a process id");
		assertThat(Files.readString(path)).isEqualTo("server.port=8080\n");
	}

	@Test
	void pidfileReplacedByAnotherMasterIsNotDeleted() throws Exception {
		Path path = this.dir.resolve("master.pid");
		Pidfile pidfile = new Pidfile(path, this.out);
		pidfile.write();
		assertThat(Files.readString(path)).isEqualTo(OWN_PID);
		Files.writeString(path, "4242\n");
		pidfile.delete();
		assertThat(Files.readString(path)).isEqualTo("4242\n");
		assertThat(this.output.toString(StandardCharsets.UTF_8)).contains("no longer holds this master's pid");
	}

	/**
	 * A JVM that runs until it is killed.
	 */
	static final class Sleeper {

		public static void main(String[] args) throws InterruptedException {
			Thread.sleep(120_000);
		}

	}

}
