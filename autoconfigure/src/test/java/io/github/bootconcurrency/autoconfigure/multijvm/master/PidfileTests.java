package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.testsupport.Reaper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link Pidfile}, with real files and real processes: a program named
 * {@code java} that runs, a program that is not a JVM, and a process that has ended.
 *
 * <p>
 * No JVM is started: the pidfile takes a process for a JVM by its program's name, so a
 * copy of {@code sleep} named {@code java} stands for one. Each process is watched by the
 * {@link Reaper} and reaped after its test.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PidfileTests {

	private static final String OWN_PID = ProcessHandle.current().pid() + "\n";

	private final ByteArrayOutputStream output = new ByteArrayOutputStream();

	private final PrintStream out = new PrintStream(this.output, true, StandardCharsets.UTF_8);

	private final List<Process> started = new ArrayList<>();

	@TempDir
	Path dir;

	@AfterEach
	void reapProcesses() throws InterruptedException {
		for (Process process : this.started) {
			process.destroyForcibly();
			assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("process %d ended", process.pid()).isTrue();
			Reaper.forget(process.toHandle());
		}
	}

	@Test
	void pidfileNamingARunningJvmIsRefusedBeforeAndAfterBindingAndLeftAsItWas() throws Exception {
		Path java = Files.copy(program("sleep"), Files.createDirectory(this.dir.resolve("bin")).resolve("java"),
				StandardCopyOption.COPY_ATTRIBUTES);
		Process process = start(java.toString(), "120");
		Path path = this.dir.resolve("master.pid");
		Files.writeString(path, process.pid() + "\n");
		Pidfile pidfile = new Pidfile(path, this.out);
		assertThatExceptionOfType(PidfileInUseException.class).isThrownBy(pidfile::check)
			.withMessageContaining("it names process " + process.pid())
			.satisfies((ex) -> assertThat(ex.getPid()).isEqualTo(process.pid()));
		assertThatExceptionOfType(PidfileInUseException.class).isThrownBy(pidfile::write);
		pidfile.delete();
		assertThat(Files.readString(path)).isEqualTo(process.pid() + "\n");
	}

	@Test
	void pidfileOfAnEndedProcessIsReplacedSayingSo() throws Exception {
		Process ended = start("true");
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
		Process process = start("sleep", "120");
		Path path = this.dir.resolve("master.pid");
		Files.writeString(path, process.pid() + "\n");
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

	private Process start(String... command) throws IOException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		Reaper.watch(process.toHandle());
		this.started.add(process);
		return process;
	}

	private static Path program(String name) {
		return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator))
			.map((directory) -> Path.of(directory, name))
			.filter(Files::isExecutable)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(name + " is not on the PATH"));
	}

}
