package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link WorkerLaunch}.
 */
class WorkerLaunchTests {

	@Test
	void jarLaunchKeepsOptionsAndArgumentsAndDropsTheDebugAgent() {
		WorkerLaunch launch = WorkerLaunch.parse("/jdk/bin/java",
				List.of("-Xmx1g", "-agentlib:jdwp=transport=dt_socket,server=y,address=5005", "-jar", "app.jar",
						"--spring.profiles.active=prod", "--server.port=8080"),
				"app.jar", "app.jar");
		assertThat(launch.command(List.of("-Xmx512m"), List.of("--server.port=40001", "--concurrency.model=virtual")))
			.containsExactly("/jdk/bin/java", "-Xmx1g", "-Xmx512m", "-jar", "app.jar", "--spring.profiles.active=prod",
					"--server.port=40001", "--concurrency.model=virtual");
	}

	@Test
	void theMastersOwnJvmRunsTheSameCommandWithWhatIsInsertedAfterTheCommandLinesOptionsCounted() {
		WorkerLaunch launch = WorkerLaunch.parse("/jdk/bin/java",
				List.of("-Xmx1g", "@app.args", "-jar", "app.jar", "--spring.profiles.active=prod"), "app.jar",
				"app.jar");
		assertThat(launch.masterJvmCommand(List.of("@/tmp/master.args"), false)).containsExactly("/jdk/bin/java",
				"-Xmx1g", "@app.args", "-D" + WorkerLaunch.MASTER_JVM_OPTIONS + "=1", "@/tmp/master.args", "-jar",
				"app.jar", "--spring.profiles.active=prod");
		WorkerLaunch mainClass = WorkerLaunch.parse("java", List.of("-Dx=1", "-cp", "a.jar", "com.example.App", "arg"),
				"com.example.App", "a.jar");
		assertThat(mainClass.masterJvmCommand(List.of("-Xms8m", "-Xmx512m"), false)).containsExactly("java", "-Dx=1",
				"-cp", "a.jar", "-D" + WorkerLaunch.MASTER_JVM_OPTIONS + "=2", "-Xms8m", "-Xmx512m", "com.example.App",
				"arg");
	}

	@Test
	void theCheckOfTheMastersOwnJvmStartsItsOptionsWithoutDebuggerAndRunsNothing() {
		WorkerLaunch launch = WorkerLaunch.parse("java", List.of("-Xmx1g",
				"-agentlib:jdwp=transport=dt_socket,server=y,address=5005", "-jar", "app.jar", "--a=b"), "app.jar",
				"app.jar");
		assertThat(launch.masterJvmCommand(List.of("@/tmp/master.args"), true)).containsExactly("java", "-Xmx1g",
				"-D" + WorkerLaunch.MASTER_JVM_OPTIONS + "=1", "@/tmp/master.args", "-version");
	}

	@Test
	void workersOfAMasterInItsOwnJvmRunWithoutWhatWasInsertedForIt() {
		List<String> masterJvm = WorkerLaunch
			.parse("java", List.of("-Xmx1g", "-jar", "app.jar", "--a=b"), "app.jar", "app.jar")
			.masterJvmCommand(List.of("-XX:+ExitOnOutOfMemoryError", "@/tmp/master.args"), false);
		WorkerLaunch launch = WorkerLaunch.parse("java", masterJvm.subList(1, masterJvm.size()), "app.jar", "app.jar");
		assertThat(launch.command(List.of("-Xss1m"), List.of("--server.port=1"))).containsExactly("java", "-Xmx1g",
				"-Xss1m", "-jar", "app.jar", "--a=b", "--server.port=1");
		assertThat(launch.jvmOptions()).containsExactly("-Xmx1g");
	}

	@Test
	void aMasterWithADebuggerOrLaunchedAsAModuleDoesNotStartAgainInItsOwnJvm() {
		assertThat(
				WorkerLaunch.parse("java",
						List.of("-agentlib:jdwp=transport=dt_socket,server=n,address=127.0.0.1:5005", "-jar",
								"app.jar"),
						"app.jar", "app.jar")
					.masterJvmUnsupported())
			.hasValueSatisfying((reason) -> assertThat(reason).contains("debugger"));
		assertThat(WorkerLaunch
			.parse("java", List.of("-p", "mods", "-m", "app/com.example.App", "-jar", "x.jar"), "x.jar", "x.jar")
			.masterJvmUnsupported()).hasValueSatisfying((reason) -> assertThat(reason).contains("module"));
		assertThat(WorkerLaunch.parse("java", List.of("-Xmx1g", "-jar", "app.jar"), "app.jar", "app.jar")
			.masterJvmUnsupported()).isEmpty();
	}

	@Test
	void mainClassLaunchPassesTheClassPathExplicitly() {
		WorkerLaunch launch = WorkerLaunch.parse("java",
				List.of("-Dx=1", "-cp", "a.jar:b.jar", "com.example.App", "arg"), "com.example.App", "a.jar:b.jar");
		assertThat(launch.command(List.of(), List.of("--server.port=1"))).containsExactly("java", "-Dx=1", "-cp",
				"a.jar:b.jar", "com.example.App", "arg", "--server.port=1");
	}

	@Test
	void collectorInJvmArgsReplacesTheMastersOwnSoThatWorkersStart() {
		WorkerLaunch launch = WorkerLaunch.parse("java", List.of("-XX:+UseG1GC", "-Xmx1g", "-jar", "app.jar"),
				"app.jar", "app.jar");
		assertThat(launch.command(List.of("-XX:+UseSerialGC"), List.of())).containsExactly("java", "-Xmx1g",
				"-XX:+UseSerialGC", "-jar", "app.jar");
		assertThat(launch.command(List.of("-Xmx512m"), List.of())).containsExactly("java", "-XX:+UseG1GC", "-Xmx1g",
				"-Xmx512m", "-jar", "app.jar");
		assertThat(launch.leftOut(List.of("-XX:+UseSerialGC"))).isEmpty();
	}

	@Test
	void collectorChosenInTheInheritedEnvironmentWinsOverJvmArgsWithAWarning() {
		WorkerLaunch launch = WorkerLaunch.parse("java", List.of("-jar", "app.jar"), "app.jar", "app.jar")
			.inheriting("-Xss1m -XX:+UseZGC ");
		assertThat(launch.command(List.of("-XX:+UseSerialGC", "-Xmx256m"), List.of())).containsExactly("java",
				"-Xmx256m", "-jar", "app.jar");
		assertThat(launch.leftOut(List.of("-XX:+UseSerialGC", "-Xmx256m")))
			.hasValueSatisfying((reason) -> assertThat(reason).contains("jvm-args chooses -XX:+UseSerialGC")
				.contains("JAVA_TOOL_OPTIONS"));
	}

	@Test
	void theWorkersOptionsForTheAotCacheHoldTheCollectorTheWorkerRunsWith() {
		WorkerLaunch launch = WorkerLaunch.parse("java", List.of("-XX:+UseG1GC", "-Xmx1g", "-jar", "app.jar"),
				"app.jar", "app.jar");
		assertThat(launch.workerJvmOptions(List.of("-XX:+UseSerialGC"))).containsExactly("-Xmx1g", "-XX:+UseSerialGC");
		WorkerLaunch inheriting = WorkerLaunch.parse("java", List.of("-Xmx1g", "-jar", "app.jar"), "app.jar", "app.jar")
			.inheriting("-XX:+UseParallelGC");
		assertThat(inheriting.workerJvmOptions(List.of("-XX:+UseSerialGC"))).containsExactly("-XX:+UseParallelGC",
				"-Xmx1g");
	}

	@Test
	void commandLineWithoutAMainIsRefusedWithoutShowingItsArguments() {
		assertThatIllegalStateException()
			.isThrownBy(
					() -> WorkerLaunch.parse("java",
							List.of("-Xmx1g", "-Dspring.data.redis.password=jvm-s3cret",
									"--spring.data.redis.password=s3cret"),
							"com.example.App", ""))
			.withMessageContaining("Cannot tell the main class or jar")
			.withMessageContaining("3 argument(s)")
			.withMessageContaining("'com.example.App'")
			.withMessageNotContaining("s3cret");
	}

	@Test
	void mastersOwnArgumentFilesStayOnTheCommandLineBeforeEverythingElse() {
		WorkerLaunch launch = WorkerLaunch.parse("java", List.of("@/etc/app/jvm.args", "-Xmx1g", "-jar", "app.jar"),
				"app.jar", "app.jar");
		assertThat(launch.command(List.of("-Dw=1"), List.of("--server.port=1"))).containsExactly("java",
				"@/etc/app/jvm.args", "-Xmx1g", "-Dw=1", "-jar", "app.jar", "--server.port=1");
		assertThat(launch.commandLinePrefix()).isEqualTo(2);
	}

	@Test
	void theWorkerCommandLineGivesTheMastersOptionsAndJvmArgsFilesOfTheWorkersOwn() {
		WorkerLaunch launch = WorkerLaunch.parse("java",
				List.of("-XX:HeapDumpPath=/dumps/app.hprof", "-Xlog:gc:file=gc.log", "-jar", "app.jar"), "app.jar",
				"app.jar");
		assertThat(launch.command(4, List.of("-XX:StartFlightRecording=filename=app.jfr"), List.of())).containsExactly(
				"java", "-XX:HeapDumpPath=/dumps/app-worker4.hprof", "-Xlog:gc:file=gc-%p.log",
				"-XX:StartFlightRecording=filename=app-worker4.jfr", "-jar", "app.jar");
	}

	@Test
	void theMastersCommandLineAndInheritedOptionsAreCheckedButItsDroppedDebugAgentIsNot() {
		WorkerLaunch launch = WorkerLaunch
			.parse("java",
					List.of("-agentlib:jdwp=transport=dt_socket,server=y,address=5005",
							"-Dcom.sun.management.jmxremote.port=9010", "-jar", "app.jar"),
					"app.jar", "app.jar")
			.inheriting(" -Dcom.sun.management.jmxremote.rmi.port=9011 ");
		assertThat(launch.unshareableOptions()).satisfiesExactly(
				(reason) -> assertThat(reason)
					.startsWith("on the master's command line: -Dcom.sun.management.jmxremote.port=9010 is a fixed"),
				(reason) -> assertThat(reason).startsWith(
						"in JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS: -Dcom.sun.management.jmxremote.rmi.port=9011 is"));
		assertThat(WorkerLaunch.parse("java", List.of("-Xmx1g", "-jar", "app.jar"), "app.jar", "app.jar")
			.unshareableOptions()).isEmpty();
	}

	@Test
	void theJarTheJavaBinaryAndEveryJvmOptionAreExposedForTheAotCache() {
		WorkerLaunch launch = WorkerLaunch
			.parse("/jdk/bin/java", List.of("-Xmx1g", "-agentlib:jdwp=transport=dt_socket", "-jar", "app.jar", "--a=b"),
					"app.jar", "app.jar")
			.inheriting("-XX:+UseSerialGC ");
		assertThat(launch.java()).isEqualTo("/jdk/bin/java");
		assertThat(launch.jar()).contains(Path.of("app.jar").toAbsolutePath());
		// The command line's options, then the inherited ones: the cache's key and
		// whether the user manages class data sharing already depend on both.
		assertThat(launch.jvmOptions()).containsExactly("-Xmx1g", "-XX:+UseSerialGC");
		assertThat(WorkerLaunch.parse("java", List.of("-cp", "x.jar", "com.example.App"), "com.example.App", "x.jar")
			.jar()).isEmpty();
	}

	@Test
	void aWorkerCanRunAnotherJarWithOptionsOfItsOwnBeforeIt() {
		WorkerLaunch launch = WorkerLaunch.parse("java", List.of("-Xmx1g", "-jar", "app.jar", "--a=b"), "app.jar",
				"app.jar");
		assertThat(launch.command(1, List.of("-Dx=y"), List.of("--server.port=0"), Path.of("/cache/app/app.jar"),
				List.of("-XX:AOTCache=/cache/app.aot")))
			.containsExactly("java", "-Xmx1g", "-Dx=y", "-XX:AOTCache=/cache/app.aot", "-jar", "/cache/app/app.jar",
					"--a=b", "--server.port=0");
	}

}
