package io.github.bootconcurrency.autoconfigure.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The temporary directory of a JVM a test starts ({@code -Djava.io.tmpdir}), which its
 * own children inherit: a master's control channel and argument files, and the servers'
 * work directories of its workers. A JVM killed by the test cannot remove what it made
 * there; the test removes the whole directory once the JVM is gone, and the
 * {@link Reaper} does if the test JVM dies first.
 */
public final class ChildTempDir {

	private final Path directory;

	private ChildTempDir(Path directory) {
		this.directory = directory;
	}

	/**
	 * Make a directory for a JVM about to start.
	 * @return the directory
	 */
	public static ChildTempDir create() {
		try {
			// Short: a Unix domain socket's path, which a master makes in here, is at
			// most
			// 107 bytes long.
			Path directory = Files.createTempDirectory("jvm-");
			Reaper.removeOnExit(directory);
			return new ChildTempDir(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return the JVM option that points the JVM at this directory.
	 * @return the option
	 */
	public String jvmOption() {
		return "-Djava.io.tmpdir=" + this.directory;
	}

	/**
	 * Remove the directory and everything in it, once its JVM is gone.
	 */
	public void remove() {
		try {
			Files.walkFileTree(this.directory, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
					Files.deleteIfExists(file);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult postVisitDirectory(Path directory, IOException ex) throws IOException {
					Files.deleteIfExists(directory);
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			// The reaper's sweep removes what is left when the test JVM ends.
		}
	}

}
