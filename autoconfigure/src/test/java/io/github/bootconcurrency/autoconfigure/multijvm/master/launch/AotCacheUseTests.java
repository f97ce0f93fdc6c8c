package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AotCacheUse}, on lines a real JVM printed.
 *
 * <p>
 * Every fixture came from Temurin 25.0.3+9, Linux x64, running the sample app extracted
 * with {@code java -Djarmode=tools -jar sample-app.jar extract}, with a cache recorded
 * with {@code -XX:AOTCacheOutput=app.aot -XX:+UseSerialGC -Xmx256m} (one request, then
 * {@code TERM}), then given back with
 * {@code -XX:+UseSerialGC -Xmx256m -XX:AOTCache=<file>
 * -XX:+VerifySharedSpaces -Xlog:aot=info}, as the master gives it: intact (34 lines of
 * {@code -Xlog:aot=info} before the application's first line, none after); with 8 bytes
 * flipped at offset 30,000,000; with {@code --patch-module java.base=patch} (the JVM does
 * not open it, and does not say {@code Unable to map shared spaces}); and intact with
 * {@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS} and a deprecated option, whose
 * lines come first.
 */
class AotCacheUseTests {

	static final List<String> USED = List.of("[0.012s][info][aot] trying to map app.aot",
			"[0.012s][info][aot] Opened AOT cache app.aot.",
			"[0.012s][info][aot] The AOT cache was created with UseCompressedOops = 1, UseCompressedClassPointers = 1, UseCompactObjectHeaders = 0",
			"[0.012s][info][aot] Core region alignment: 4096", "[0.012s][info][aot] ArchiveRelocationMode: 1",
			"[0.012s][info][aot] ArchiveRelocationMode == 1: always map archive(s) at an alternative address",
			"[0.012s][info][aot] Try to map archive(s) at an alternative address",
			"[0.012s][info][aot] Reserved archive_space_rs [0x0000000060000000 - 0x0000000065000000] (83886080) bytes (includes protection zone)",
			"[0.012s][info][aot] Reserved class_space_rs   [0x0000000065000000 - 0x00000000a5000000] (1073741824) bytes",
			"[0.012s][info][aot] Mapped static  region #0 at base 0x0000000060001000 top 0x0000000061b63000 (ReadWrite)",
			"[0.012s][info][aot] Mapped static  region #1 at base 0x0000000061b63000 top 0x00000000643d4000 (ReadOnly)",
			"[0.012s][info][aot] Mapped static  region #2 at base 0x00007f41736d1000 top 0x00007f41737ca000 (Bitmap)",
			"[0.255s][info][aot] archived module property jdk.module.main: (null)",
			"[0.255s][info][aot] archived module property jdk.module.addexports: (null)",
			"[0.255s][info][aot] archived module property jdk.module.addmods: (null)",
			"[0.255s][info][aot] archived module property jdk.module.enable.native.access: (null)",
			"[0.255s][info][aot] archived module property jdk.module.addopens: (null)",
			"[0.255s][info][aot] archived module property jdk.module.addreads: (null)",
			"[0.255s][info][aot] optimized module handling: enabled", "[0.255s][info][aot] full module graph: enabled",
			"[0.255s][info][aot] CDS archive was created with max heap size = 256M, and the following configuration:",
			"[0.255s][info][aot]     narrow_klass_base at mapping start address, narrow_klass_pointer_bits = 32, narrow_klass_shift = 0",
			"[0.255s][info][aot]     narrow_oop_mode = 0, narrow_oop_base = 0x0000000000000000, narrow_oop_shift = 0",
			"[0.255s][info][aot] The current max heap size = 256M, G1HeapRegion::GrainBytes = 0",
			"[0.255s][info][aot]     narrow_klass_base = 0x0000000060000000, arrow_klass_pointer_bits = 32, narrow_klass_shift = 0",
			"[0.255s][info][aot]     narrow_oop_mode = 0, narrow_oop_base = 0x0000000000000000, narrow_oop_shift = 0",
			"[0.255s][info][aot]     heap range = [0x00000000f0000000 - 0x0000000100000000]",
			"[0.257s][info][aot] Loaded heap    region #3 at base 0x00000000f5550000 top 0x00000000f58ef4b8 size 3798200 delta 89456640",
			"[0.257s][info][aot] initial optimized module handling: enabled",
			"[0.257s][info][aot] initial full module graph: enabled",
			"[0.257s][info][aot] use_full_module_graph = true; java.base = 0x0000000061b5d820",
			"[0.258s][info][aot] Mapped static  region #4 at base 0x00007f4173558000 top 0x00007f41735d0000 (Code)",
			"[0.258s][info][aot] Unmapping region #2 at base 0x00007f41736d1000 (Bitmap)",
			"[0.258s][info][aot] Using AOT-linked classes: true (static archive: has aot-linked classes)", "",
			"  .   ____          _            __ _ _");

	static final List<String> CHECKSUM = List.of("[0.003s][info][aot] trying to map dmg.aot",
			"[0.003s][info][aot] Opened AOT cache dmg.aot.",
			"[0.003s][info][aot] The AOT cache was created with UseCompressedOops = 1, UseCompressedClassPointers = 1, UseCompactObjectHeaders = 0",
			"[0.003s][info][aot] Core region alignment: 4096", "[0.003s][info][aot] ArchiveRelocationMode: 1",
			"[0.003s][info][aot] ArchiveRelocationMode == 1: always map archive(s) at an alternative address",
			"[0.003s][info][aot] Try to map archive(s) at an alternative address",
			"[0.003s][info][aot] Reserved archive_space_rs [0x000000005e000000 - 0x0000000063000000] (83886080) bytes (includes protection zone)",
			"[0.003s][info][aot] Reserved class_space_rs   [0x0000000063000000 - 0x00000000a3000000] (1073741824) bytes",
			"[0.016s][info][aot] Mapped static  region #0 at base 0x000000005e001000 top 0x000000005fb63000 (ReadWrite)",
			"[0.035s][warning][aot] Checksum verification failed.",
			"[0.035s][info   ][aot] Unmapping region #0 at base 0x000000005e001000 (ReadWrite)",
			"[0.035s][info   ][aot] Region #0 (ReadWrite) is in a reserved space, it will be freed when the space is released",
			"[0.035s][error  ][aot] An error has occurred while processing the AOT cache. Run with -Xlog:aot for details.",
			"[0.035s][error  ][aot] Unable to map shared spaces", "", "  .   ____          _            __ _ _");

	static final List<String> PATCHED = List.of(
			"[0.001s][warning][aot] Unable to use AOT cache: CDS is disabled when java.base module is patched.", "",
			"  .   ____          _            __ _ _");

	static final List<String> PICKED_UP = List.of("NOTE: Picked up JDK_JAVA_OPTIONS: -Dy=2",
			"Picked up JAVA_TOOL_OPTIONS: -Dx=1",
			"OpenJDK 64-Bit Server VM warning: Option UseCompressedClassPointers was deprecated in version 25.0 and will likely be removed in a future release.");

	private final List<String> refusals = new ArrayList<>();

	/**
	 * What the ready line said of each refusal read after it.
	 */
	private final List<String> readyLines = new ArrayList<>();

	@Test
	void aCacheTheJvmOpenedAndMappedIsUsedAndItsInfoLinesAreNotForwarded() {
		AotCacheUse use = used();
		List<String> forwarded = feed(use, USED);
		assertThat(use.use()).contains(WorkerProcess.AOT_CACHE_USED);
		assertThat(forwarded).containsExactly("", "  .   ____          _            __ _ _");
		use.ready();
		assertThat(this.refusals).isEmpty();
		assertThat(use.use()).contains(WorkerProcess.AOT_CACHE_USED);
	}

	@Test
	void theLinesTheJvmPrintsBeforeItsLogDoNotEndTheWait() {
		AotCacheUse use = used();
		List<String> forwarded = feed(use, Stream.concat(PICKED_UP.stream(), USED.stream()).toList());
		assertThat(use.use()).contains(WorkerProcess.AOT_CACHE_USED);
		assertThat(forwarded).startsWith(PICKED_UP.toArray(String[]::new));
		assertThat(this.refusals).isEmpty();
	}

	@Test
	void aCacheOpenedThenRefusedIsRefusedOnceWithTheJvmsReasonAndItsWarningsAndErrorsAreForwarded() {
		AotCacheUse use = used();
		List<String> forwarded = feed(use, CHECKSUM);
		use.ready();
		assertThat(use.use()).contains("refused");
		assertThat(this.refusals).containsExactly("Checksum verification failed.");
		assertThat(this.readyLines).as("refused in the ready line already").isEmpty();
		assertThat(forwarded)
			.contains("[0.035s][warning][aot] Checksum verification failed.",
					"[0.035s][error  ][aot] Unable to map shared spaces")
			.noneMatch((line) -> line.contains("[info"));
	}

	@Test
	@Timeout(30)
	void aRefusalTheReaderReadsAfterTheReadyHeartbeatFollowingOpenedIsStillARefusal() {
		// The JVM says Opened before it verifies the file (-XX:+VerifySharedSpaces): a
		// reader that lags has read only that far when the loop gets the ready heartbeat.
		AotCacheUse use = used();
		int opened = CHECKSUM.indexOf("[0.003s][info][aot] Opened AOT cache dmg.aot.");
		feed(use, CHECKSUM.subList(0, opened + 1));
		use.ready();
		assertThat(use.use()).as("the ready line's").contains(WorkerProcess.AOT_CACHE_USED);
		feed(use, CHECKSUM.subList(opened + 1, CHECKSUM.size()));
		assertThat(this.refusals).containsExactly("Checksum verification failed.");
		assertThat(this.readyLines).as("reported with what the ready line said").containsExactly("used");
		assertThat(use.use()).as("what later reads say").contains("refused");
	}

	@Test
	@Timeout(30)
	void aRefusalReadAfterAReadyLineThatSaidNotOpenedIsReportedWithIt() {
		AotCacheUse use = new AotCacheUse(WorkerProcess.AOT_CACHE_USED, this::refused, Duration.ofMillis(20));
		use.ready();
		assertThat(use.use()).contains(AotCacheUse.NOT_OPENED);
		feed(use, CHECKSUM);
		assertThat(use.use()).contains(AotCacheUse.REFUSED);
		assertThat(this.refusals).containsExactly("Checksum verification failed.");
		assertThat(this.readyLines).containsExactly(AotCacheUse.NOT_OPENED);
	}

	@Test
	void aCacheTheJvmDidNotSayItOpenedBeforeTheApplicationsFirstLineIsNotUsedAndCountedAsARefusalOnce() {
		AotCacheUse use = used();
		feed(use, PATCHED);
		use.ready();
		assertThat(use.use()).contains(AotCacheUse.NOT_OPENED);
		assertThat(this.refusals).singleElement()
			.asString()
			.contains("did not say it opened the cache")
			.contains("Unable to use AOT cache: CDS is disabled when java.base module is patched.");
	}

	@Test
	@Timeout(30)
	void aWorkerReadyBeforeTheReaderHasPassedTheLineThatSaysTheCacheWasOpenedUsesIt() throws InterruptedException {
		AotCacheUse use = used();
		AtomicBoolean atReady = new AtomicBoolean();
		Thread reader = queuedReader(use, USED, atReady, Thread.currentThread());
		// The loop gets the ready heartbeat before the reader has read a line, as on a
		// loaded host: the JVM wrote them seconds ago.
		atReady.set(true);
		use.ready();
		assertThat(use.use()).as("decided when ready() returns").contains(WorkerProcess.AOT_CACHE_USED);
		reader.join(Duration.ofSeconds(20));
		assertThat(reader.isAlive()).isFalse();
		assertThat(use.use()).contains(WorkerProcess.AOT_CACHE_USED);
		assertThat(this.refusals).isEmpty();
	}

	@Test
	@Timeout(30)
	void aWorkerWhoseLinesAreNotReadByTheTimeItIsReadyIsNotOpenedInItsReadyLineAndTheLinesDecide() {
		AotCacheUse use = new AotCacheUse(WorkerProcess.AOT_CACHE_USED, this::refused, Duration.ofMillis(20));
		use.ready();
		use.ready();
		assertThat(use.use()).contains(AotCacheUse.NOT_OPENED);
		assertThat(this.refusals).as("no refusal for want of reading").isEmpty();
		feed(use, USED);
		assertThat(use.use()).contains(WorkerProcess.AOT_CACHE_USED);
		assertThat(this.refusals).isEmpty();
		AotCacheUse patched = new AotCacheUse(WorkerProcess.AOT_CACHE_USED, this::refused, Duration.ofMillis(20));
		patched.ready();
		feed(patched, PATCHED);
		patched.ready();
		assertThat(patched.use()).contains(AotCacheUse.NOT_OPENED);
		assertThat(this.refusals).as("counted once, when the application's first line is read").hasSize(1);
		assertThat(this.readyLines).as("the ready line said not opened too").isEmpty();
	}

	@Test
	@Timeout(30)
	void aWorkerWhoseJvmSaidItOpenedTheCacheIsUsedAtReadyEvenIfTheApplicationPrintsNothing() {
		AotCacheUse use = new AotCacheUse(WorkerProcess.AOT_CACHE_USED, this::refused, Duration.ofMinutes(1));
		feed(use, USED.subList(0, USED.size() - 2));
		use.ready();
		assertThat(use.use()).contains(WorkerProcess.AOT_CACHE_USED);
		assertThat(this.refusals).isEmpty();
	}

	@Test
	void aWorkerGivenNoCacheHasEveryLineForwardedAndNothingCounted() {
		AotCacheUse use = new AotCacheUse(WorkerProcess.AOT_CACHE_RECORDING, this::refused);
		assertThat(feed(use, USED)).isEqualTo(USED);
		use.ready();
		assertThat(use.use()).contains(WorkerProcess.AOT_CACHE_RECORDING);
		assertThat(this.refusals).isEmpty();
		AotCacheUse none = new AotCacheUse(null, this::refused);
		assertThat(feed(none, PATCHED)).isEqualTo(PATCHED);
		none.ready();
		assertThat(none.use()).isEmpty();
		assertThat(this.refusals).isEmpty();
	}

	private void refused(String reason, @Nullable String readyLine) {
		this.refusals.add(reason);
		if (readyLine != null) {
			this.readyLines.add(readyLine);
		}
	}

	private AotCacheUse used() {
		return new AotCacheUse(WorkerProcess.AOT_CACHE_USED, this::refused);
	}

	/**
	 * The thread that reads a worker's output, its lines queued: it reads the first only
	 * once the loop is at the ready heartbeat and blocked (waiting in ready(), or past it
	 * and joining this thread).
	 */
	private static Thread queuedReader(AotCacheUse use, List<String> lines, AtomicBoolean atReady, Thread loop) {
		BlockingQueue<String> queue = new LinkedBlockingQueue<>(lines);
		return Thread.ofPlatform().name("worker-1-output").start(() -> {
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			while ((!atReady.get() || loop.getState() == Thread.State.RUNNABLE) && System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			for (String line = queue.poll(); line != null; line = queue.poll()) {
				use.accept(line);
			}
		});
	}

	private static List<String> feed(AotCacheUse use, List<String> lines) {
		List<String> forwarded = new ArrayList<>();
		for (String line : lines) {
			if (use.accept(line)) {
				forwarded.add(line);
			}
		}
		return forwarded;
	}

}
