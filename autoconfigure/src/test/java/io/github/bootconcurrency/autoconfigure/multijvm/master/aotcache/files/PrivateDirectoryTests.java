package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Tests for {@link PrivateDirectory} on the real file system: the checks of its parent
 * (those of the directory itself are run through {@code AotCacheStoreTests}).
 */
class PrivateDirectoryTests {

	@TempDir
	Path base;

	@Test
	void aParentOtherUsersCanWriteToWithoutTheStickyBitIsRefused() throws IOException {
		Path shared = Files.createDirectory(this.base.resolve("shared"));
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
		assertThatIOException().isThrownBy(() -> PrivateDirectory.createOrCheck(shared.resolve("aot")))
			.withMessageContaining(shared + " can be written to by other users and is not sticky");
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwx---"));
		assertThatIOException().isThrownBy(() -> PrivateDirectory.createOrCheck(shared.resolve("aot")))
			.withMessageContaining("can be written to by other users");
	}

	@Test
	void aStickyParentThatOthersCanWriteToAsTmpIsTaken() throws IOException {
		Path shared = Files.createDirectory(this.base.resolve("shared"));
		Files.setAttribute(shared, "unix:mode", 01777);
		assertThat(PrivateDirectory.createOrCheck(shared.resolve("aot"))).isDirectory();
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwx------"));
		assertThat(PrivateDirectory.createOrCheck(shared.resolve("aot"))).isDirectory();
	}

}
