package io.github.bootconcurrency.autoconfigure.multijvm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Commands;
import io.github.bootconcurrency.autoconfigure.testsupport.EachBalancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The master in a JVM of its own ({@code concurrency.multi-jvm.master-jvm-args}), with
 * real JVMs: the process a user started becomes, in place, a JVM with the master's
 * options, which its workers do not get; an empty list keeps the JVM the command line
 * started; an option that JVM refuses stops the master before any worker starts, after a
 * line naming the key; and without native access the master says why it stays where it
 * is, and the JVM warns of nothing.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@EnabledOnOs(OS.LINUX)
class MultiJvmMasterJvmIT {

	private static final String MARKER = "-Dio.github.bootconcurrency.master-jvm-options=";

	private static final String STARTING_AGAIN = "[master] Starting again in a JVM of the master's own";

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	@EachBalancer
	void theMasterRunsInAJvmOfItsOwnInTheProcessTheUserStartedAndItsWorkersRunWithoutItsOptions(Balancer balancer)
			throws Exception {
		MasterProcess master = this.masters.start(balancer, 2);
		master.awaitReady(2);
		long pid = master.process().pid();
		String output = master.output();
		assertThat(output).contains(STARTING_AGAIN + " (8 option(s) of concurrency.multi-jvm.master-jvm-args)")
			.contains("[master] Master " + pid + " started");
		assertThat(output.split(Pattern.quote(STARTING_AGAIN), -1)).hasSize(2);
		List<String> commandLine = MasterProcess.commandLine(pid);
		// After the command line's own options, so that they win, in a private file that
		// the new JVM deleted: only the count and the file on the command line.
		int marker = commandLine.indexOf(MARKER + "1");
		assertThat(marker).as(commandLine.toString())
			.isGreaterThan(commandLine.indexOf("--enable-native-access=ALL-UNNAMED"));
		assertThat(commandLine.get(marker + 1)).startsWith("@");
		assertThat(commandLine.get(marker + 2)).isEqualTo(MultiJvmTestApplication.class.getName());
		assertThat(Path.of(commandLine.get(marker + 1).substring(1))).doesNotExist();
		assertThat(commandLine).doesNotContain("-XX:+ExitOnOutOfMemoryError", "-Xms8m");
		assertThat(jcmd(pid, "VM.flags")).contains("-XX:+UseSerialGC", "-XX:MinHeapFreeRatio=10",
				"-XX:MaxHeapSize=536870912", "-XX:+ExitOnOutOfMemoryError");
		for (long worker : master.readyPids()) {
			assertThat(jcmd(worker, "VM.command_line")).contains("-Xmx256m")
				.doesNotContain("ExitOnOutOfMemoryError")
				.doesNotContain("MinHeapFreeRatio")
				.doesNotContain("master-jvm-options");
		}
		assertThat(Http.get(master.port(), "/hello").body()).isEqualTo("hello");
		master.signal("TERM");
		assertThat(master.awaitExit(Duration.ofSeconds(90))).as(master.output()).isZero();
	}

	@Test
	void optionsTheUserSetStayOutOfTheCommandLineThatOtherUsersCanRead() throws Exception {
		// From the environment, as a deployment passes what it keeps secret.
		MasterProcess master = this.masters.start(Balancer.PROXY, 1, Map.of("SPRING_APPLICATION_JSON",
				"{\"concurrency.multi-jvm.master-jvm-args\": [\"-Xms8m\", \"-Dmaster.secret=hunter2\"]}"));
		master.awaitReady(1);
		long pid = master.process().pid();
		assertThat(String.join(" ", MasterProcess.commandLine(pid))).doesNotContain("hunter2");
		assertThat(jcmd(pid, "VM.system_properties")).contains("master.secret=hunter2");
		assertThat(master.output()).doesNotContain("hunter2");
	}

	@Test
	void aLockItsParentTookForItIsStillHeldOnceTheMasterRunsInItsOwnJvm(@TempDir Path directory) throws Exception {
		// A script that keeps a second instance out: exec 9>lock; flock -n 9; exec java.
		String lock = directory.resolve("app.lock").toString();
		MasterProcess master = this.masters.start(Balancer.PROXY, 1,
				List.of("sh", "-c", "exec 9>'" + lock + "'; flock -n 9 || exit 9; exec \"$0\" \"$@\""));
		master.awaitReady(1);
		assertThat(master.output()).contains(STARTING_AGAIN);
		Commands.Result second = Commands.run(List.of("flock", "-n", lock, "true"), Duration.ofSeconds(30));
		assertThat(second.exitValue()).as("a second flock -n on the master's lock").isEqualTo(1);
	}

	@Test
	void anEmptyListKeepsTheMasterInTheJvmItsCommandLineStarted() throws Exception {
		MasterProcess master = this.masters.start(Balancer.PROXY, 1, "--concurrency.multi-jvm.master-jvm-args=");
		master.awaitReady(1);
		assertThat(master.output()).doesNotContain(STARTING_AGAIN).doesNotContain("runs in the application's JVM");
		assertThat(MasterProcess.commandLine(master.process().pid())).noneMatch((option) -> option.startsWith(MARKER));
	}

	@Test
	void anOptionTheUserSetThatAJvmRefusesIsAStartupErrorNamingTheKeyAndTheJvmsReason() throws Exception {
		MasterProcess master = this.masters.start(Balancer.PROXY, 1,
				"--concurrency.multi-jvm.master-jvm-args=-Xms8m,-XX:+NoSuchOptionHere");
		int status = master.awaitExit(Duration.ofSeconds(90));
		String output = master.output();
		assertThat(status).as(output).isNotZero();
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("concurrency.multi-jvm.master-jvm-args")
			.contains("Unrecognized VM option 'NoSuchOptionHere'")
			.doesNotContain(STARTING_AGAIN)
			.doesNotContain("[master] Started worker");
	}

	@Test
	void theDefaultOptionsAJvmRefusesWithTheEnvironmentsAreGivenUpWithALineAndTheMasterStarts() throws Exception {
		// A soft heap limit over the default's 512 MB, from the environment, which the
		// JVM reads after every command-line option; the workers have room for it.
		List<String> command = MasterProcess
			.javaCommand(MultiJvmTestApplication.class, System.getProperty("java.class.path"))
			.stream()
			.map((option) -> option.equals("-Xmx256m") ? "-Xmx1g" : option)
			.toList();
		MasterProcess master = MasterProcess.start(command, Balancer.PROXY, 1, List.of(),
				Map.of("_JAVA_OPTIONS", "-XX:SoftMaxHeapSize=600m"),
				List.of("--concurrency.multi-jvm.jvm-args=-XX:+UseSerialGC,-Xmx1g"));
		try {
			master.awaitReady(1);
			assertThat(master.output()).contains("[master] The master runs in the application's JVM, with its heap, "
					+ "collector and JIT: a JVM with the default concurrency.multi-jvm.master-jvm-args does not start "
					+ "with this command line (SoftMaxHeapSize must be less than or equal to the maximum heap size)")
				.doesNotContain(STARTING_AGAIN);
			assertThat(Http.get(master.port(), "/hello").body()).isEqualTo("hello");
		}
		finally {
			master.kill();
		}
	}

	@Test
	void aMasterWithADebuggerAttachedStaysInTheApplicationsJvmSoThatTheSessionGoesOn() throws Exception {
		List<String> command = new ArrayList<>(
				MasterProcess.javaCommand(MultiJvmTestApplication.class, System.getProperty("java.class.path")));
		command.add(1, "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0");
		MasterProcess master = MasterProcess.start(command, Balancer.PROXY, 1, List.of(), List.of());
		try {
			master.awaitReady(1);
			assertThat(master.output())
				.contains("[master] The master runs in the application's JVM, with its heap, "
						+ "collector and JIT: a debugger is attached (-agentlib:jdwp)")
				.doesNotContain(STARTING_AGAIN);
		}
		finally {
			master.kill();
		}
	}

	@Test
	void withoutNativeAccessTheMasterSaysWhyItRunsInTheApplicationsJvmAndTheJvmWarnsOfNothing() throws Exception {
		List<String> withoutNativeAccess = MasterProcess
			.javaCommand(MultiJvmTestApplication.class, System.getProperty("java.class.path"))
			.stream()
			.filter((option) -> !option.startsWith("--enable-native-access"))
			.toList();
		MasterProcess master = MasterProcess.start(withoutNativeAccess, Balancer.PROXY, 1, List.of(), List.of());
		try {
			master.awaitReady(1);
			assertThat(master.output())
				.contains("[master] The master runs in the application's JVM, with its heap, collector and JIT: "
						+ "native access is not enabled")
				.doesNotContain(STARTING_AGAIN)
				.doesNotContain("restricted method");
		}
		finally {
			master.kill();
		}
	}

	private static String jcmd(long pid, String command) {
		String jcmd = Path.of(MasterProcess.java()).resolveSibling("jcmd").toString();
		Commands.Result result = Commands.run(List.of(jcmd, Long.toString(pid), command), Duration.ofSeconds(60));
		assertThat(result.exitValue()).as(result.output()).isZero();
		return result.output();
	}

}
