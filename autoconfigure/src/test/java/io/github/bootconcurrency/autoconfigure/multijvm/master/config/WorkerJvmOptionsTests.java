package io.github.bootconcurrency.autoconfigure.multijvm.master.config;

import java.nio.file.Path;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.multijvm.master.balancer.SharedSocket;
import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link WorkerJvmOptions} and the worker command lines of
 * {@link WorkerLaunch}: each worker writes files of its own, and an option only one JVM
 * can have is refused.
 */
class WorkerJvmOptionsTests {

	@Test
	void optionsThatNameAFileTheJvmWritesGetAFileNameOfEachWorkersOwn() {
		assertThat(WorkerJvmOptions.forWorker(List.of("-XX:HeapDumpPath=/var/dumps/app.hprof",
				"-Xlog:gc*:file=/var/log/gc.log:time,uptime:filecount=5,filesize=10m", "-Xlog:gc:gc.txt",
				"-Xlog:safepoint:file=\"/var/log/safe point.log\"", "-Xloggc:/var/log/old-gc.log",
				"-XX:StartFlightRecording=duration=30s,filename=/var/rec/app.jfr,settings=profile",
				"-XX:StartFlightRecording:filename=rec", "-XX:ErrorFile=/var/log/hs_err.log",
				"-XX:LogFile=/var/log/vm.log"), 7))
			.containsExactly("-XX:HeapDumpPath=/var/dumps/app-worker7.hprof",
					"-Xlog:gc*:file=/var/log/gc-%p.log:time,uptime:filecount=5,filesize=10m", "-Xlog:gc:gc-%p.txt",
					"-Xlog:safepoint:file=\"/var/log/safe point-%p.log\"", "-Xloggc:/var/log/old-gc-%p.log",
					"-XX:StartFlightRecording=duration=30s,filename=/var/rec/app-worker7.jfr,settings=profile",
					"-XX:StartFlightRecording:filename=rec-worker7", "-XX:ErrorFile=/var/log/hs_err-%p.log",
					"-XX:LogFile=/var/log/vm-%p.log");
	}

	@Test
	void namesThatAreAlreadyPerProcessAndOptionsWithoutAFileAreLeftAsTheyAre(@TempDir Path directory) {
		List<String> options = List.of("-XX:HeapDumpPath=" + directory, "-XX:HeapDumpPath=/dumps/java-%p.hprof",
				"-Xlog:gc*:stdout", "-Xlog:gc:stderr:time", "-Xlog:gc", "-XX:StartFlightRecording=duration=30s",
				"-XX:ErrorFile=/tmp/hs_err_pid%p.log", "-Xmx1g", "-Dapp.file=/var/app.log", "-XX:+UseSerialGC");
		assertThat(WorkerJvmOptions.forWorker(options, 3)).containsExactlyElementsOf(options);
	}

	@Test
	void aFixedJmxOrDebugPortIsRefusedNamingTheOptionAndPortZeroIsNot() {
		assertThat(WorkerJvmOptions.unshareable("-Dcom.sun.management.jmxremote.port=9010"))
			.hasValueSatisfying((reason) -> assertThat(reason)
				.startsWith("-Dcom.sun.management.jmxremote.port=9010 is a fixed port, which only one JVM can listen "
						+ "on")
				.contains("port 0"));
		assertThat(WorkerJvmOptions.unshareable("-Dcom.sun.management.jmxremote.rmi.port=9011")).isPresent();
		assertThat(WorkerJvmOptions.unshareable("-agentlib:jdwp=transport=dt_socket,server=y,address=*:5005"))
			.isPresent();
		assertThat(WorkerJvmOptions
			.unshareable("-agentpath:/jdk/lib/libjdwp.so=transport=dt_socket,server=y," + "address=5005")).isPresent();
		assertThat(WorkerJvmOptions.unshareable("-Dcom.sun.management.jmxremote.port=0")).isEmpty();
		assertThat(WorkerJvmOptions.unshareable("-agentlib:jdwp=transport=dt_socket,server=y,address=0")).isEmpty();
		assertThat(WorkerJvmOptions.unshareable("-agentlib:jdwp=transport=dt_socket,server=n,address=host:5005"))
			.as("connects out, listens on nothing")
			.isEmpty();
		assertThat(WorkerJvmOptions.unshareable("-Dcom.sun.management.jmxremote.authenticate=false")).isEmpty();
	}

	@Test
	void aFixedPortInJvmArgsIsRefusedAsASettingAtStartupAndOnReload() {
		MockEnvironment environment = new MockEnvironment()
			.withProperty("concurrency.multi-jvm.jvm-args[0]", "-XX:+UseSerialGC")
			.withProperty("concurrency.multi-jvm.jvm-args[1]", "-Dcom.sun.management.jmxremote.port=9010");
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> MasterConfigLoader.load(environment, SharedSocket.unsupportedReason()))
			.withMessageContaining("concurrency.multi-jvm.jvm-args = -Dcom.sun.management.jmxremote.port=9010")
			.withMessageContaining("is a fixed port, which only one JVM can listen on");
	}

	@Test
	void optionsInheritedThroughTheEnvironmentGetFilesOfTheWorkersOwnUnlessQuoted() {
		assertThat(WorkerJvmOptions.forWorkerVariable(" -Xmx1g  -XX:HeapDumpPath=/dumps/app.hprof ", 2))
			.hasValue("-Xmx1g -XX:HeapDumpPath=/dumps/app-worker2.hprof");
		assertThat(WorkerJvmOptions.forWorkerVariable("-Xmx1g -XX:+UseSerialGC", 2)).as("unchanged").isEmpty();
		assertThat(WorkerJvmOptions.forWorkerVariable("\"-XX:HeapDumpPath=/my dumps/app.hprof\"", 2)).isEmpty();
	}

}
