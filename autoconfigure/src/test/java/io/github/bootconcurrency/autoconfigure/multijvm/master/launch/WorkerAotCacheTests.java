package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheKey;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCachePhase;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheStore;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.ReadyAotCacheStores;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheSetting;
import io.github.bootconcurrency.autoconfigure.multijvm.master.balancer.SharedSocket;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests for {@link WorkerAotCache}: what the launcher makes of the setting before any JVM
 * runs. The store itself, on the real file system, is AotCacheStoreTests'.
 */
class WorkerAotCacheTests {

	private final ByteArrayOutputStream log = new ByteArrayOutputStream();

	private final PrintStream out = new PrintStream(this.log, true, StandardCharsets.UTF_8);

	private final List<Runnable> executor = new ArrayList<>();

	@Test
	void theHelperJvmsMayTakeLongerThanABootOnALoadedHost() {
		assertThat(WorkerAotCache.helperTimeout(Duration.ofSeconds(90))).isEqualTo(Duration.ofMinutes(10));
		assertThat(WorkerAotCache.helperTimeout(Duration.ofMinutes(20))).isEqualTo(Duration.ofMinutes(20));
	}

	@Test
	void offAddsNothingAndSaysNothing() {
		WorkerAotCache cache = WorkerAotCache.start(config("concurrency.multi-jvm.aot-cache=off"),
				launch("-jar", "app.jar"), null, this.executor::add, this.out);
		assertThat(cache.forWorker(1)).isEqualTo(new WorkerAotCache.Start(null, List.of(), null));
		assertThat(this.executor).isEmpty();
		assertThat(log()).isEmpty();
	}

	@Test
	void autoByDefaultOpensTheStoreOffTheCallersThread() {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(25);
		WorkerAotCache cache = WorkerAotCache.start(config(), launch("-jar", "app.jar"), null, this.executor::add,
				this.out);
		assertThat(this.executor).as("the extraction is queued, not run on the loop").hasSize(1);
		assertThat(cache.forWorker(1)).isEqualTo(new WorkerAotCache.Start(null, List.of(), "none"));
	}

	@Test
	void autoOpensTheStoreOffTheCallersThreadAndWorkersStartAsUsualUntilThen() {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(25);
		WorkerAotCache cache = WorkerAotCache.start(config("concurrency.multi-jvm.aot-cache=auto"),
				launch("-jar", "app.jar"), null, this.executor::add, this.out);
		assertThat(this.executor).as("the extraction is queued, not run on the loop").hasSize(1);
		assertThat(cache.forWorker(1)).isEqualTo(new WorkerAotCache.Start(null, List.of(), "none"));
	}

	@Test
	void autoWithoutAJarIsOffAndSaysWhyOnce() {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(25);
		WorkerAotCache cache = WorkerAotCache.start(config("concurrency.multi-jvm.aot-cache=auto"),
				WorkerLaunch.parse("java", List.of("-cp", "x.jar", "com.example.App"), "com.example.App", "x.jar"),
				null, this.executor::add, this.out);
		assertThat(cache.forWorker(1).use()).isNull();
		assertThat(this.executor).isEmpty();
		assertThat(log()).containsOnlyOnce("AOT cache: off (the application was not started with java -jar");
	}

	@Test
	void aStoreThatCannotBeOpenedIsLoggedOnceAndWorkersStartWithoutIt() {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(25);
		WorkerAotCache cache = WorkerAotCache.start(config("concurrency.multi-jvm.aot-cache=auto"),
				launch("-jar", "/nonexistent/app.jar"), null, this.executor::add, this.out);
		this.executor.forEach(Runnable::run);
		assertThat(log()).containsOnlyOnce("AOT cache: off (");
		assertThat(cache.forWorker(1)).isEqualTo(new WorkerAotCache.Start(null, List.of(), "none"));
	}

	@Test
	void aJavaAgentInJavaToolOptionsOrJvmArgsTurnsAutoOffUpFrontWithoutItsOptions() {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(25);
		WorkerAotCache inherited = WorkerAotCache.start(config("concurrency.multi-jvm.aot-cache=auto"),
				launch("-jar", "app.jar").inheriting("-javaagent:/opt/apm/agent.jar=api-key=hunter2"), null,
				this.executor::add, this.out);
		WorkerAotCache configured = WorkerAotCache.start(
				config("concurrency.multi-jvm.aot-cache=auto", "concurrency.multi-jvm.jvm-args=-javaagent:apm.jar"),
				launch("-jar", "app.jar"), null, this.executor::add, this.out);
		assertThat(this.executor).as("no store opened").isEmpty();
		assertThat(inherited.forWorker(1).use()).isNull();
		assertThat(configured.forWorker(1).use()).isNull();
		assertThat(log())
			.containsOnlyOnce("AOT cache: off (a Java agent is loaded (-javaagent:/opt/apm/agent.jar): "
					+ "the JVM does not open an AOT cache beside one)")
			.containsOnlyOnce("AOT cache: off (a Java agent is loaded (-javaagent:apm.jar)")
			.doesNotContain("hunter2");
	}

	@Test
	void aJarReplacedOnDiskIsRunAsItIsAndAStoreIsOpenedForItOffTheCallersThread(@TempDir Path base) throws IOException {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(25);
		Path jar = Files.writeString(base.resolve("app.jar"), "version 1");
		WorkerLaunch launch = launch("-jar", jar.toString());
		MasterConfig config = config("concurrency.multi-jvm.aot-cache=auto");
		extractedFor(base, jar, launch, config);
		WorkerAotCache cache = WorkerAotCache.start(config, launch, base, this.executor::add, this.out);
		runQueued();
		assertThat(cache.forWorker(1).use()).isEqualTo(WorkerProcess.AOT_CACHE_RECORDING);
		Files.move(Files.writeString(base.resolve("app.jar.new"), "version 2 of the application"), jar,
				StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		assertThat(cache.forWorker(2)).as("the jar on disk, as a plain HUP runs it")
			.isEqualTo(new WorkerAotCache.Start(null, List.of(), "none"));
		assertThat(cache.forWorker(3)).isEqualTo(new WorkerAotCache.Start(null, List.of(), "none"));
		assertThat(this.executor).as("one store opened for the new jar, queued, not on the loop").hasSize(1);
		assertThat(log()).containsOnlyOnce("AOT cache: the application's jar changed on disk");
		extractedFor(base, jar, launch, config);
		runQueued();
		assertThat(cache.forWorker(4).use()).as("the new jar's cache records")
			.isEqualTo(WorkerProcess.AOT_CACHE_RECORDING);
	}

	@Test
	void jvmArgsReloadedWithAClassDataSharingOptionGetNoCacheAndSaySoOnce(@TempDir Path base) throws IOException {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(25);
		Path jar = Files.writeString(base.resolve("app.jar"), "version 1");
		WorkerLaunch launch = launch("-jar", jar.toString());
		MasterConfig config = config("concurrency.multi-jvm.aot-cache=auto");
		extractedFor(base, jar, launch, config);
		WorkerAotCache cache = WorkerAotCache.start(config, launch, base, this.executor::add, this.out);
		runQueued();
		assertThat(cache.forWorker(1, List.of("-Xshare:off"), true))
			.as("the JVM would exit with -XX:AOTMode and -Xshare")
			.isEqualTo(new WorkerAotCache.Start(null, List.of(), "none"));
		assertThat(cache.forWorker(2, List.of("-Xshare:off"), true).use()).isEqualTo("none");
		assertThat(log()).containsOnlyOnce("AOT cache: not given to the workers while their jvm-args");
		assertThat(cache.forWorker(3, List.of(), true).use()).as("the recording still to make")
			.isEqualTo(WorkerProcess.AOT_CACHE_RECORDING);
	}

	@Test
	void noRecorderIsWantedWhileTheNextWorkerWouldNotBeGivenTheRecording(@TempDir Path base) throws IOException {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(25);
		Path jar = Files.writeString(base.resolve("app.jar"), "version 1");
		WorkerLaunch launch = launch("-jar", jar.toString());
		MasterConfig config = config("concurrency.multi-jvm.aot-cache=auto");
		Path directory = extractedFor(base, jar, launch, config);
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, "lib/library.jar");
		try (JarOutputStream extracted = new JarOutputStream(Files.newOutputStream(directory.resolve("app/app.jar")),
				manifest)) {
			// The manifest only.
		}
		Files.writeString(directory.resolve("app/lib/library.jar"), "library");
		WorkerAotCache cache = WorkerAotCache.start(config, launch, base, this.executor::add, this.out);
		runQueued();
		assertThat(cache.wantsRecorder(List.of())).isTrue();
		assertThat(cache.forWorker(1, List.of("-javaagent:/a.jar"), true).use()).isEqualTo("none");
		assertThat(cache.wantsRecorder(List.of("-javaagent:/a.jar"))).as("reloaded jvm-args that turn the cache off")
			.isFalse();
		assertThat(cache.wantsRecorder(List.of("-agentpath:/opt/apm/libagent.so"))).isFalse();
		assertThat(cache.wantsRecorder(List.of("-agentlib:jdwp=transport=dt_socket,server=y"))).isFalse();
		assertThat(cache.wantsRecorder(List.of()))
			.as("the previous jvm-args in force again (an abandoned reload), not the last launch's")
			.isTrue();
		Files.delete(directory.resolve("app/lib/library.jar"));
		assertThat(cache.forWorker(2).use()).isEqualTo("none");
		assertThat(cache.wantsRecorder(List.of())).as("an extraction missing a class-path jar").isFalse();
	}

	@Test
	void aWorkerReadyWhoseJvmDidNotSayItOpenedTheCacheEndsNoRowOfBootFailures(@TempDir Path base) throws IOException {
		AotCacheStore store = ReadyAotCacheStores.open(base, (line) -> {
		});
		try {
			WorkerAotCache cache = WorkerAotCache.of(store, this.out);
			WorkerAotCache.Start first = cache.forWorker(1);
			assertThat(first.use()).isEqualTo(WorkerProcess.AOT_CACHE_USED);
			cache.exited(1, first, 0, false, false);
			WorkerAotCache.Start second = cache.forWorker(2);
			cache.ready(2, second, AotCacheUse.NOT_OPENED);
			// Worker 1's retry without the cache booted: its failure counts.
			cache.retried(1, first, true);
			WorkerAotCache.Start third = cache.forWorker(3);
			cache.exited(3, third, 0, false, false);
			cache.retried(3, third, true);
			assertThat(store.phase()).as("2 boot failures of the cache in a row: the worker between ran without it")
				.isEqualTo(AotCachePhase.OFF);
		}
		finally {
			store.close();
		}
	}

	@Test
	void aRefusalReadAfterTheWorkerWasReadyIsLoggedOnceForThatWorkerSayingSo(@TempDir Path base) throws IOException {
		// Two workers given the cache, whose JVMs both refuse it after saying they opened
		// it, their refusals read after their ready heartbeats: the first one's is the
		// store's line, the second one's, a cache refused already, a line of its own.
		AotCacheStore store = readyStore(base);
		try {
			WorkerAotCache cache = WorkerAotCache.of(store, this.out);
			List<String> lines = AotCacheUseTests.CHECKSUM;
			int opened = lines.indexOf("[0.003s][info][aot] Opened AOT cache dmg.aot.");
			List<AotCacheUse> uses = new ArrayList<>();
			for (int id = 1; id <= 2; id++) {
				WorkerAotCache.Start start = cache.forWorker(id);
				assertThat(start.use()).isEqualTo(WorkerProcess.AOT_CACHE_USED);
				AotCacheUse use = cache.use(id, start);
				lines.subList(0, opened + 1).forEach(use::accept);
				use.ready();
				cache.ready(id, start, use.use().orElseThrow());
				assertThat(use.use()).as("the ready line's").contains(WorkerProcess.AOT_CACHE_USED);
				uses.add(use);
			}
			for (AotCacheUse use : uses) {
				lines.subList(opened + 1, lines.size()).forEach(use::accept);
				assertThat(use.use()).as("what later reads say").contains(AotCacheUse.REFUSED);
			}
			assertThat(store.phase()).as("deleted, to be recorded again").isEqualTo(AotCachePhase.EXTRACTED);
			assertThat(log().lines().filter((line) -> line.contains("refused"))).containsExactly(
					"[master] AOT cache refused by worker 1's JVM (Checksum verification failed.; read after the worker was "
							+ "ready with the cache used): deleted; the next worker records it again",
					"[master] AOT cache refused by worker 2's JVM after the worker was ready with the cache used "
							+ "(Checksum verification failed.): it runs without it");
		}
		finally {
			store.close();
		}
	}

	@Test
	void theRetryOfAWorkerTheCacheFailedToBootStartsWithoutItAndTakesNothingFromTheStore(@TempDir Path base)
			throws IOException {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(25);
		Path jar = Files.writeString(base.resolve("app.jar"), "version 1");
		WorkerLaunch launch = launch("-jar", jar.toString());
		MasterConfig config = config("concurrency.multi-jvm.aot-cache=auto");
		extractedFor(base, jar, launch, config);
		WorkerAotCache cache = WorkerAotCache.start(config, launch, base, this.executor::add, this.out);
		runQueued();
		assertThat(cache.forWorker(1, List.of(), false)).as("the jar on disk, as with no cache")
			.isEqualTo(new WorkerAotCache.Start(null, List.of(), "none"));
		assertThat(cache.forWorker(2).use()).as("the recording still to make")
			.isEqualTo(WorkerProcess.AOT_CACHE_RECORDING);
	}

	@Test
	void aWorkerGivenTheCacheIsToldToSayWhetherItOpenedItAfterItsOwnOptionsAndOneThatDidNotSayIsARefusal(
			@TempDir Path base) throws IOException {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(25);
		Path jar = Files.writeString(base.resolve("app.jar"), "version 1");
		WorkerLaunch launch = launch("-jar", jar.toString());
		MasterConfig config = config("concurrency.multi-jvm.aot-cache=auto");
		Path directory = extractedFor(base, jar, launch, config);
		Files.writeString(directory.resolve("app.aot"), "a cache");
		WorkerAotCache cache = WorkerAotCache.start(config, launch, base, this.executor::add, this.out);
		runQueued();
		WorkerAotCache.Start start = cache.forWorker(1, List.of("-Xlog:disable"), true);
		assertThat(start.use()).isEqualTo(WorkerProcess.AOT_CACHE_USED);
		assertThat(start.options()).as("last, so that it wins over the user's -Xlog")
			.last()
			.isEqualTo("-Xlog:aot=info");
		AotCacheUse use = cache.use(1, start);
		use.accept("");
		assertThat(use.use()).contains(AotCacheUse.NOT_OPENED);
		assertThat(log()).containsOnlyOnce("AOT cache refused by worker 1's JVM (it did not say it opened the cache");
		assertThat(Files.exists(directory.resolve("app.aot"))).isFalse();
		assertThat(cache.forWorker(2).use()).as("recorded again").isEqualTo(WorkerProcess.AOT_CACHE_RECORDING);
	}

	@Test
	void aUsersCacheFileIsGivenWithTheOptionThatSaysWhetherItWasOpened(@TempDir Path base) throws IOException {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(25);
		Path file = Files.writeString(base.resolve("app.aot"), "a cache");
		WorkerAotCache cache = WorkerAotCache.start(config("concurrency.multi-jvm.aot-cache=" + file),
				launch("-jar", "app.jar"), base, this.executor::add, this.out);
		WorkerAotCache.Start start = cache.forWorker(1);
		assertThat(start.options()).containsExactly("-XX:AOTCache=" + file, "-Xlog:aot=info");
		AotCacheUse use = cache.use(1, start);
		use.accept("  .   ____          _            __ _ _");
		use.ready();
		assertThat(use.use()).contains(AotCacheUse.NOT_OPENED);
		assertThat(log()).containsOnlyOnce("refused by worker 1's JVM (it did not say it opened the cache");
	}

	@Test
	void aStoreOpenedAsTheMasterBeganToStopExtractsNothingAndSaysNothing(@TempDir Path base) throws IOException {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(25);
		Path jar = Files.writeString(base.resolve("app.jar"), "version 1");
		WorkerAotCache cache = WorkerAotCache.start(config("concurrency.multi-jvm.aot-cache=auto"),
				launch("-jar", jar.toString()), base, this.executor::add, this.out);
		cache.close();
		runQueued();
		assertThat(log()).as("no extraction tried, so none failed").isEmpty();
	}

	@Test
	void theDefaultAutoIsOffWhereTheCacheWouldBeMemoryAndSaysHowToKeepIt() throws IOException {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(25);
		Path base = inMemory();
		try {
			Path jar = Files.writeString(base.resolve("app.jar"), "version 1");
			WorkerLaunch launch = launch("-jar", jar.toString());
			MasterConfig config = config();
			// The setting of an unset key once the default is auto
			// (AotCacheSetting.unset()).
			WorkerAotCache cache = WorkerAotCache.start(config, new AotCacheSetting.Auto(false), launch, base,
					this.executor::add, this.out);
			runQueued();
			assertThat(log()).containsOnlyOnce("AOT cache: off (" + base + " is memory (tmpfs): set "
					+ "concurrency.multi-jvm.aot-cache=auto to keep the cache there, or point java.io.tmpdir at a disk)");
			try (Stream<Path> files = Files.list(base)) {
				assertThat(files).as("no store opened").containsExactly(jar);
			}
			assertThat(cache.forWorker(1)).isEqualTo(new WorkerAotCache.Start(null, List.of(), "none"));
			assertThat(cache.wantsRecorder(List.of())).isFalse();
		}
		finally {
			FileSystemUtils.deleteRecursively(base);
		}
	}

	@Test
	void anExplicitAutoKeepsTheCacheWhereItIsMemory() throws IOException {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(25);
		Path base = inMemory();
		try {
			Path jar = Files.writeString(base.resolve("app.jar"), "version 1");
			WorkerLaunch launch = launch("-jar", jar.toString());
			MasterConfig config = config("concurrency.multi-jvm.aot-cache=auto");
			extractedFor(base, jar, launch, config);
			WorkerAotCache cache = WorkerAotCache.start(config, launch, base, this.executor::add, this.out);
			runQueued();
			assertThat(log()).doesNotContain("AOT cache: off");
			assertThat(cache.forWorker(1).use()).isEqualTo(WorkerProcess.AOT_CACHE_RECORDING);
		}
		finally {
			FileSystemUtils.deleteRecursively(base);
		}
	}

	/**
	 * A private directory on a tmpfs: {@code /dev/shm} is one on Linux.
	 */
	private static Path inMemory() throws IOException {
		Path shm = Path.of("/dev/shm");
		assumeThat(shm).isDirectory();
		Path base = Files.createTempDirectory(shm, "worker-aot-cache-tests");
		assertThat(Files.getFileStore(base).type()).isEqualTo("tmpfs");
		return base;
	}

	/**
	 * A store whose cache is ready, which logs where the launcher does.
	 */
	private AotCacheStore readyStore(Path base) throws IOException {
		return ReadyAotCacheStores.open(base, (line) -> MasterLog.println(this.out, line));
	}

	private void runQueued() {
		List<Runnable> queued = new ArrayList<>(this.executor);
		this.executor.clear();
		queued.forEach(Runnable::run);
	}

	/**
	 * The store's directory for the jar as it is, with its extraction there, so that no
	 * JVM runs to extract it.
	 */
	private static Path extractedFor(Path base, Path jar, WorkerLaunch launch, MasterConfig config) throws IOException {
		List<String> options = new ArrayList<>(launch.jvmOptions());
		options.addAll(config.jvmArgs());
		Path directory = Files.createDirectory(base.resolve(AotCacheKey.forThisJvm(jar, options).value()),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Files.createDirectories(directory.resolve("app/lib"));
		Files.writeString(directory.resolve("app/app.jar"), "extracted");
		return directory;
	}

	private String log() {
		return this.log.toString(StandardCharsets.UTF_8);
	}

	private static WorkerLaunch launch(String... argv) {
		return WorkerLaunch.parse("java", List.of(argv), "", "");
	}

	private static MasterConfig config(String... properties) {
		MockEnvironment environment = new MockEnvironment();
		for (String property : properties) {
			int equals = property.indexOf('=');
			environment.setProperty(property.substring(0, equals), property.substring(equals + 1));
		}
		return MasterConfigLoader.load(environment, SharedSocket.unsupportedReason());
	}

}
