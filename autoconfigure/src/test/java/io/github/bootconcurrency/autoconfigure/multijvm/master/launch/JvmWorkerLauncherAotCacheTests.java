package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheKey;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCachePhase;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheStore;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files.JarIdentity;
import io.github.bootconcurrency.autoconfigure.multijvm.master.balancer.SharedSocket;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Tests for {@link JvmWorkerLauncher} with an AOT cache store on the real file system: a
 * launch that fails after the store gave it a start (its process cannot be started, here
 * a java binary that is not there, so that no JVM runs) does not keep the store's
 * reservation.
 */
class JvmWorkerLauncherAotCacheTests {

	private static final AotCacheKey KEY = new AotCacheKey("0123456789abcdef0123456789abcdef");

	@TempDir
	Path base;

	private final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

	@Test
	void aRecorderWhoseProcessCannotStartLeavesTheRecordingToTheNextWorker() throws IOException {
		Path jar = Files.writeString(this.base.resolve("app.jar"), "the application");
		AotCacheStore store = extractedStore(jar);
		WorkerAotCache cache = WorkerAotCache.of(store, this.out);
		MasterConfig config = MasterConfigLoader.load(new MockEnvironment(), SharedSocket.unsupportedReason());
		try (WorkerArgumentFiles argumentFiles = WorkerArgumentFiles.create()) {
			JvmWorkerLauncher launcher = launcher(jar, argumentFiles, cache);
			assertThatIOException().isThrownBy(() -> launcher.launch(1, "token", config, true));
		}
		assertThat(store.phase()).isEqualTo(AotCachePhase.EXTRACTED);
		assertThat(cache.wantsRecorder(List.of())).isTrue();
		assertThat(cache.forWorker(2).use()).isEqualTo(WorkerProcess.AOT_CACHE_RECORDING);
	}

	@Test
	void whetherARecorderIsWantedFollowsTheConfigurationInForceNotTheLastLaunch() throws IOException {
		// A reload whose jvm-args load an agent, its first worker failed (here its
		// process cannot start), then abandoned: the previous configuration is in
		// force again, and its workers would record.
		Path jar = Files.writeString(this.base.resolve("app.jar"), "the application");
		WorkerAotCache cache = WorkerAotCache.of(extractedStore(jar), this.out);
		MasterConfig previous = MasterConfigLoader.load(new MockEnvironment(), SharedSocket.unsupportedReason());
		MasterConfig reloaded = MasterConfigLoader.load(
				new MockEnvironment().withProperty("concurrency.multi-jvm.jvm-args", "-javaagent:/opt/apm/agent.jar"),
				SharedSocket.unsupportedReason());
		try (WorkerArgumentFiles argumentFiles = WorkerArgumentFiles.create()) {
			JvmWorkerLauncher launcher = launcher(jar, argumentFiles, cache);
			assertThat(launcher.wantsAotCacheRecorder(previous)).isTrue();
			assertThatIOException().isThrownBy(() -> launcher.launch(1, "token", reloaded, true));
			assertThat(launcher.wantsAotCacheRecorder(reloaded)).as("its workers would not record").isFalse();
			assertThat(launcher.wantsAotCacheRecorder(previous)).as("the abandoned reload's launch does not decide")
				.isTrue();
		}
	}

	private AotCacheStore extractedStore(Path jar) throws IOException {
		Path directory = Files.createDirectory(this.base.resolve(KEY.value()),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Files.createDirectories(directory.resolve("app/lib"));
		Files.writeString(directory.resolve("app/app.jar"), "extracted");
		return AotCacheStore.open(this.base, jar, JarIdentity.of(jar), KEY, "java", List.of(), Duration.ofSeconds(60),
				(line) -> {
				}, Runnable::run);
	}

	/**
	 * A launcher whose java binary is not there, so that no JVM runs.
	 */
	private JvmWorkerLauncher launcher(Path jar, WorkerArgumentFiles argumentFiles, WorkerAotCache cache) {
		return new JvmWorkerLauncher(
				WorkerLaunch.parse(this.base.resolve("no-such-jdk/bin/java").toString(),
						List.of("-jar", jar.toString()), "", ""),
				this.base.resolve("channel.sock"), false, this.out, argumentFiles, null, cache);
	}

}
