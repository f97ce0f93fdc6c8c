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
		Path directory = Files.createDirectory(this.base.resolve(KEY.value()),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Files.createDirectories(directory.resolve("app/lib"));
		Files.writeString(directory.resolve("app/app.jar"), "extracted");
		AotCacheStore store = AotCacheStore.open(this.base, jar, JarIdentity.of(jar), KEY, "java", List.of(),
				Duration.ofSeconds(60), (line) -> {
				}, Runnable::run);
		WorkerAotCache cache = WorkerAotCache.of(store, this.out);
		MasterConfig config = MasterConfigLoader.load(new MockEnvironment(), SharedSocket.unsupportedReason());
		try (WorkerArgumentFiles argumentFiles = WorkerArgumentFiles.create()) {
			JvmWorkerLauncher launcher = new JvmWorkerLauncher(
					WorkerLaunch.parse(this.base.resolve("no-such-jdk/bin/java").toString(),
							List.of("-jar", jar.toString()), "", ""),
					this.base.resolve("channel.sock"), false, this.out, argumentFiles, null, cache);
			assertThatIOException().isThrownBy(() -> launcher.launch(1, "token", config, true));
		}
		assertThat(store.phase()).isEqualTo(AotCachePhase.EXTRACTED);
		assertThat(cache.wantsRecorder()).isTrue();
		assertThat(cache.forWorker(2).use()).isEqualTo(WorkerProcess.AOT_CACHE_RECORDING);
	}

}
