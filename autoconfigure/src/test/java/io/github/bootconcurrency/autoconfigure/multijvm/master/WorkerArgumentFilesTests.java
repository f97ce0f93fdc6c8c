package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkerArgumentFiles} on the real file system.
 */
class WorkerArgumentFilesTests {

	@Test
	void aDirectoryRemovedUnderTheMasterIsCreatedAgainPrivateBeforeTheNextFile() throws IOException {
		try (WorkerArgumentFiles files = WorkerArgumentFiles.create()) {
			Path first = files.next(1);
			Path directory = first.getParent();
			// As a /tmp cleaner does.
			Files.delete(directory);
			Path second = files.next(2);
			files.write(second, List.of("-Dname=value", "Main"));
			assertThat(second.getParent()).isEqualTo(directory);
			assertThat(Files.readAllLines(second)).containsExactly("\"-Dname=value\"", "\"Main\"");
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(second))).isEqualTo("rw-------");
		}
	}

}
