package io.github.bootconcurrency.sample;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheKey;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheRefusal;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheStore;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCachePhase;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.WorkerStart;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files.JarIdentity;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.ProcessOutput;
import io.github.bootconcurrency.autoconfigure.testsupport.Reaper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The master's AOT cache ({@link AotCacheStore}) with the sample app's repackaged jar and
 * real JVMs, as the master will drive it: the jar extracted, a JVM of it launched to
 * record, serving a request, then stopped with {@code TERM}; the cache created from its
 * recording; a JVM launched with it, which maps it; then the cache damaged in its middle,
 * and a JVM launched with it, which refuses it, says why, and boots all the same, the
 * refusal deleting the cache so that the next JVM records again.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AotCacheIT {

	private static final Path JAR = Path.of(System.getProperty("sample.jar", "target/sample-app.jar"));

	private static final Pattern TOMCAT_STARTED = Pattern.compile("Tomcat started on port (\\d+)");

	private static final Pattern APPLICATION_STARTED = Pattern.compile("Started \\w+ in ([0-9.]+) seconds");

	private static final List<String> OPTIONS = List.of("-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1");

	private final List<Process> processes = new ArrayList<>();

	private final List<String> log = new ArrayList<>();

	@TempDir
	Path base;

	@AfterEach
	void stopProcesses() throws InterruptedException {
		for (Process process : this.processes) {
			process.destroyForcibly();
			if (process.waitFor(30, TimeUnit.SECONDS)) {
				Reaper.forget(process.toHandle());
			}
		}
	}

	@Test
	void aCacheRecordedFromAJvmThatServedIsMappedByTheNextAndADamagedOneIsRefusedWithoutFailingTheBoot()
			throws Exception {
		assumeThat(Runtime.version().feature()).as("an AOT cache recorded as the JVM exits needs Java 25")
			.isGreaterThanOrEqualTo(25);
		assertThat(JAR).as("the repackaged jar, built by the package phase").isRegularFile();
		AotCacheStore store = AotCacheStore.open(this.base, JAR, JarIdentity.of(JAR),
				AotCacheKey.forThisJvm(JAR, OPTIONS), MasterProcess.java(), OPTIONS, Duration.ofMinutes(2),
				this.log::add, Runnable::run);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.directory())))
			.isEqualTo("rwx------");
		store.extract();
		assertThat(store.phase()).as(String.join("\n", this.log)).isEqualTo(AotCachePhase.EXTRACTED);

		WorkerStart recorder = store.forWorker(1).orElseThrow();
		assertThat(recorder.jvmArgs()).contains("-XX:AOTMode=record");
		Jvm recording = start("the recording JVM", recorder, List.of());
		assertThat(Http.get(recording.port(), "/hello").statusCode()).isEqualTo(200);
		MasterProcess.signal("TERM", recording.process().pid());
		assertThat(recording.process().waitFor(2, TimeUnit.MINUTES)).as("the recording JVM exits on TERM").isTrue();
		assertThat(recording.output().text()).contains("AOTConfiguration recorded").doesNotContain("[warning][aot]");
		store.onWorkerExited(1, 1, true, false);
		assertThat(store.phase()).as(String.join("\n", this.log)).isEqualTo(AotCachePhase.READY);
		Path cache = store.directory().resolve("app.aot");
		assertThat(Files.size(cache)).isPositive();

		Jvm mapping = start("a JVM with the cache", store.forWorker(2).orElseThrow(), List.of("-Xlog:aot"));
		assertThat(mapping.output().text()).contains("Opened AOT cache " + cache);
		assertThat(mapping.refusal()).isEmpty();
		assertThat(Http.get(mapping.port(), "/hello").statusCode()).isEqualTo(200);

		// A few bytes in the middle, which the JVM finds only by its checksum.
		try (RandomAccessFile file = new RandomAccessFile(cache.toFile(), "rw")) {
			file.seek(file.length() / 2);
			file.write(new byte[] { -1, -1, -1, -1, -1, -1, -1, -1 });
		}
		Jvm refusing = start("a JVM with the damaged cache", store.forWorker(3).orElseThrow(), List.of());
		assertThat(Http.get(refusing.port(), "/hello").statusCode()).as("it boots and serves all the same")
			.isEqualTo(200);
		assertThat(refusing.refusal()).contains("Checksum verification failed.");
		store.refused(3, refusing.refusal().orElseThrow());
		assertThat(cache).doesNotExist();
		assertThat(this.log).contains("AOT cache refused by worker 3's JVM (Checksum verification failed.): "
				+ "deleted; the next worker records it again");
		assertThat(store.forWorker(4).orElseThrow().jvmArgs()).contains("-XX:AOTMode=record");
		// Rough, one run each on a shared machine: for the report, not a claim.
		System.out.println("AotCacheIT boot (Started ... in): recording " + recording.started() + " s, with the cache "
				+ mapping.started() + " s, with the refused cache " + refusing.started() + " s");
	}

	private Jvm start(String name, WorkerStart start, List<String> more) throws Exception {
		List<String> command = new ArrayList<>(List.of(MasterProcess.java()));
		command.addAll(OPTIONS);
		command.addAll(start.jvmArgs());
		command.addAll(more);
		command.addAll(List.of("-jar", start.jar().toString(), "--server.port=0"));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		this.processes.add(process);
		Reaper.watch(process.toHandle());
		ProcessOutput output = ProcessOutput.of(name, process);
		output.await(APPLICATION_STARTED, 1, MasterProcess.BOOT_TIMEOUT);
		return new Jvm(process, output);
	}

	private record Jvm(Process process, ProcessOutput output) {

		int port() {
			Matcher started = TOMCAT_STARTED.matcher(this.output.text());
			assertThat(started.find()).isTrue();
			return Integer.parseInt(started.group(1));
		}

		String started() {
			Matcher started = APPLICATION_STARTED.matcher(this.output.text());
			return started.find() ? started.group(1) : "?";
		}

		Optional<String> refusal() {
			AotCacheRefusal refusal = new AotCacheRefusal();
			return this.output.lines()
				.stream()
				.map((line) -> refusal.accept(line.text()))
				.flatMap(Optional::stream)
				.findFirst();
		}

	}

}
