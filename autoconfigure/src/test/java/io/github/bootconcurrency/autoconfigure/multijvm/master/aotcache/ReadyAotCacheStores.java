package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files.JarIdentity;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real AOT cache stores whose cache is ready, for the tests of what drives a store: its
 * key's directory made by hand as the extraction and the creation leave it, so that no
 * helper JVM runs.
 */
public final class ReadyAotCacheStores {

	private ReadyAotCacheStores() {
	}

	/**
	 * Open a store whose cache is ready, under a base directory of the test's own.
	 * @param base the base directory
	 * @param log where the store logs
	 * @return the store, in phase {@code READY}
	 * @throws IOException if its files cannot be written
	 */
	public static AotCacheStore open(Path base, Consumer<String> log) throws IOException {
		AotCacheKey key = new AotCacheKey("0123456789abcdef0123456789abcdef");
		Path jar = Files.writeString(base.resolve("app.jar"), "the application");
		Path directory = Files.createDirectory(base.resolve(key.value()),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Files.createDirectories(directory.resolve("app/lib"));
		Files.writeString(directory.resolve("app/app.jar"), "extracted");
		Files.writeString(directory.resolve("app.aot"), "cache");
		AotCacheStore store = AotCacheStore.open(base, jar, JarIdentity.of(jar), key, "java", List.of(),
				Duration.ofSeconds(60), log, Runnable::run);
		assertThat(store.phase()).isEqualTo(AotCachePhase.READY);
		return store;
	}

}
