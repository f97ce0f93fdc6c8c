package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JVM options that workers cannot share, with real JVMs: a master started with a fixed
 * JMX port, which every worker would inherit and none could bind, stops at startup naming
 * the option and why, before any worker starts; and a GC log named in jvm-args and a heap
 * dump path in JAVA_TOOL_OPTIONS name a file of each worker's own. Nothing here depends
 * on the balancer, so the proxy alone runs it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MultiJvmUnshareableJvmOptionsIT {

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	@Test
	void aFixedJmxPortOnTheMastersCommandLineStopsItAtStartupNamingTheOption() throws Exception {
		int port;
		try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = free.getLocalPort();
		}
		String option = "-Dcom.sun.management.jmxremote.port=" + port;
		// The JVM option goes before the master's own, as a user gives it.
		MasterProcess master = this.masters.start(Balancer.PROXY, 1,
				List.of("sh", "-c",
						"exec \"$0\" " + option + " -Dcom.sun.management.jmxremote.host=127.0.0.1"
								+ " -Dcom.sun.management.jmxremote.authenticate=false"
								+ " -Dcom.sun.management.jmxremote.ssl=false \"$@\""));
		int status = master.awaitExit(Duration.ofSeconds(90));
		String output = master.output();
		assertThat(status).as(output).isEqualTo(1);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains(option)
			.contains("a fixed port, which only one JVM can listen on")
			.doesNotContain("[master] Started worker")
			.doesNotContain("[worker ");
	}

	@Test
	void eachWorkerWritesAGcLogAndAHeapDumpOfItsOwn(@TempDir Path logs) throws Exception {
		// A heap dump path in the environment, as containers set it, and a GC log in
		// jvm-args.
		MasterProcess master = this.masters.start(Balancer.PROXY, 2,
				Map.of("JAVA_TOOL_OPTIONS",
						"-XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=" + logs.resolve("heap.hprof")),
				"--concurrency.multi-jvm.jvm-args=-XX:+UseSerialGC,-Xlog:gc:file=" + logs.resolve("gc.log"));
		master.awaitReady(2);
		List<Long> workers = master.readyPids();
		List<String> expected = workers.stream().map((pid) -> "gc-" + pid + ".log").toList();
		try (Stream<Path> files = Files.list(logs)) {
			assertThat(files.map((file) -> file.getFileName().toString()))
				.containsExactlyInAnyOrderElementsOf(expected);
		}
		List<String> heapDumpPaths = new ArrayList<>();
		for (long worker : workers) {
			String environ = Files.readString(Path.of("/proc/" + worker + "/environ"));
			Matcher path = Pattern.compile("-XX:HeapDumpPath=([^\\s\\x00]*)").matcher(environ);
			assertThat(path.find()).as(environ).isTrue();
			heapDumpPaths.add(path.group(1));
		}
		assertThat(heapDumpPaths).containsExactlyInAnyOrder(logs.resolve("heap-worker1.hprof").toString(),
				logs.resolve("heap-worker2.hprof").toString());
	}

}
