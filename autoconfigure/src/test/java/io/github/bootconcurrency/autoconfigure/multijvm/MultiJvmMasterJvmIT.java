package io.github.bootconcurrency.autoconfigure.multijvm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Commands;
import io.github.bootconcurrency.autoconfigure.testsupport.EachBalancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

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
		assertThat(output.split(java.util.regex.Pattern.quote(STARTING_AGAIN), -1)).hasSize(2);
		List<String> commandLine = MasterProcess.commandLine(pid);
		assertThat(commandLine).contains(MARKER + "8", "-XX:+UseSerialGC", "-Xms8m", "-XX:MinHeapFreeRatio=10",
				"-XX:+ExitOnOutOfMemoryError");
		// After the command line's own options, so that they win.
		assertThat(commandLine.indexOf("-XX:+ExitOnOutOfMemoryError")).isGreaterThan(commandLine.indexOf("-Xmx256m"));
		assertThat(vmFlags(pid)).contains("-XX:+UseSerialGC", "-XX:MinHeapFreeRatio=10", "-XX:+ExitOnOutOfMemoryError");
		for (long worker : master.readyPids()) {
			assertThat(vmCommandLine(worker)).contains("-Xmx256m")
				.doesNotContain("ExitOnOutOfMemoryError")
				.doesNotContain("MinHeapFreeRatio")
				.doesNotContain("master-jvm-options");
		}
		assertThat(Http.get(master.port(), "/hello").body()).isEqualTo("hello");
		master.signal("TERM");
		assertThat(master.awaitExit(Duration.ofSeconds(90))).as(master.output()).isZero();
	}

	@Test
	void anEmptyListKeepsTheMasterInTheJvmItsCommandLineStarted() throws Exception {
		MasterProcess master = this.masters.start(Balancer.PROXY, 1, "--concurrency.multi-jvm.master-jvm-args=");
		master.awaitReady(1);
		assertThat(master.output()).doesNotContain(STARTING_AGAIN).doesNotContain("runs in the application's JVM");
		assertThat(MasterProcess.commandLine(master.process().pid())).noneMatch((option) -> option.startsWith(MARKER))
			.doesNotContain("-XX:+ExitOnOutOfMemoryError");
	}

	@Test
	void anOptionTheMastersJvmRefusesStopsItBeforeAnyWorkerAfterALineNamingTheKey() throws Exception {
		MasterProcess master = this.masters.start(Balancer.PROXY, 1,
				"--concurrency.multi-jvm.master-jvm-args=-Xms8m,-XX:+NoSuchOptionHere");
		int status = master.awaitExit(Duration.ofSeconds(90));
		String output = master.output();
		assertThat(status).as(output).isNotZero();
		assertThat(output).contains(STARTING_AGAIN + " (2 option(s) of concurrency.multi-jvm.master-jvm-args)")
			.contains("NoSuchOptionHere")
			.doesNotContain("[master] Started worker")
			.doesNotContain("[worker ");
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

	private static String vmFlags(long pid) {
		return jcmd(pid, "VM.flags");
	}

	private static String vmCommandLine(long pid) {
		return jcmd(pid, "VM.command_line");
	}

	private static String jcmd(long pid, String command) {
		String jcmd = Path.of(MasterProcess.java()).resolveSibling("jcmd").toString();
		Commands.Result result = Commands.run(List.of(jcmd, Long.toString(pid), command), Duration.ofSeconds(60));
		assertThat(result.exitValue()).as(result.output()).isZero();
		return result.output();
	}

}
