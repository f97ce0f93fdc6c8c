package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

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

	@Test
	void aLinkThatTookTheRemovedDirectorysPlaceIsRefusedAndNothingIsWrittenThrough() throws IOException {
		Path elsewhere = Files.createTempDirectory("elsewhere-");
		try (WorkerArgumentFiles files = WorkerArgumentFiles.create()) {
			Path file = files.next(1);
			Path directory = file.getParent();
			Files.delete(directory);
			// Another user may create the name once it is free: it shows in ps.
			Files.createSymbolicLink(directory, elsewhere);
			assertThatIOException().isThrownBy(() -> files.write(file, List.of("Main")))
				.withMessageContaining(directory.toString())
				.withMessageContaining("not this master's private directory");
			assertThat(elsewhere).isEmptyDirectory();
			Files.delete(directory);
		}
		finally {
			Files.deleteIfExists(elsewhere);
		}
	}

	@Test
	void aDirectoryOthersCanEnterThatTookTheRemovedDirectorysPlaceIsRefused() throws IOException {
		try (WorkerArgumentFiles files = WorkerArgumentFiles.create()) {
			Path file = files.next(1);
			Path directory = file.getParent();
			Files.delete(directory);
			Files.createDirectory(directory);
			Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
			assertThatIOException().isThrownBy(() -> files.write(file, List.of("Main")))
				.withMessageContaining("not this master's private directory");
			assertThat(directory).isEmptyDirectory();
		}
	}

	@Test
	void closingLeavesWhatALinkInTheDirectorysPlacePointsToAlone() throws IOException {
		Path elsewhere = Files.createTempDirectory("elsewhere-");
		Path kept = Files.createFile(elsewhere.resolve("kept"));
		WorkerArgumentFiles files = WorkerArgumentFiles.create();
		Path directory = files.next(1).getParent();
		try {
			Files.delete(directory);
			Files.createSymbolicLink(directory, elsewhere);
			files.close();
			assertThat(kept).exists();
		}
		finally {
			Files.deleteIfExists(directory);
			Files.deleteIfExists(kept);
			Files.deleteIfExists(elsewhere);
		}
	}

}
