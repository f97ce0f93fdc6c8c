package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assumptions.assumeThat;

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

	@Test
	void aParentOfAnotherUserIsRefusedThoughNoOneElseCanWriteToIt() throws IOException {
		assumeThat(System.getProperty("user.name")).as("only root can give a directory away").isEqualTo("root");
		Path other = Files.createDirectory(this.base.resolve("other"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
		UserPrincipal nobody = other.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
		Files.setOwner(other, nobody);
		// Its owner may rename what is in it, and put a link in its place.
		assertThatIOException().isThrownBy(() -> PrivateDirectory.createOrCheck(other.resolve("aot")))
			.withMessageContaining(other + " belongs to nobody, neither root nor the master's user");
		Files.setOwner(other, Files.getOwner(this.base));
		assertThat(PrivateDirectory.createOrCheck(other.resolve("aot"))).isDirectory();
	}

}
