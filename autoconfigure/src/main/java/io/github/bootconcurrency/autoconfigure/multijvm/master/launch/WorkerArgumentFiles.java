package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.multijvm.master.argfile.ArgumentFileLines;

/**
 * The java launcher's argument files ({@code java @file}) that carry each worker's JVM
 * options, main class or jar, application arguments and identity, so that none of them
 * shows in {@code ps} or {@code /proc/<pid>/cmdline}: only the file's name does. Unlike
 * an environment variable, the arguments reach the worker exactly as they would on its
 * command line (options before the main class, non-option arguments, what
 * {@code ApplicationArguments} and {@code CommandLineRunner} see), and nothing in them is
 * inherited by the processes the worker starts.
 *
 * <p>
 * Each file is readable by the master's user only, in a directory only that user can
 * enter. The launcher reads it before the worker's JVM starts; the worker deletes it as
 * it starts ({@link WorkerEnvironment#deleteArgumentFile()}), the master when the worker
 * exits and, with the directory, when the master stops.
 */
public final class WorkerArgumentFiles implements AutoCloseable {

	private static final Set<PosixFilePermission> OWNER = PosixFilePermissions.fromString("rwx------");

	private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIRECTORY = PosixFilePermissions
		.asFileAttribute(OWNER);

	private final Path directory;

	private final UserPrincipal owner;

	private final AtomicLong sequence = new AtomicLong();

	private WorkerArgumentFiles(Path directory) throws IOException {
		this.directory = directory;
		this.owner = Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS);
	}

	/**
	 * Create the private directory of a master's argument files.
	 * @return the files
	 * @throws IOException if the directory cannot be created
	 */
	public static WorkerArgumentFiles create() throws IOException {
		return new WorkerArgumentFiles(
				Files.createTempDirectory(WorkerEnvironment.ARGUMENT_FILE_DIRECTORY_PREFIX, PRIVATE_DIRECTORY));
	}

	/**
	 * Return the path of the next worker's file, not yet written.
	 * @param id the worker's id
	 * @return the path
	 */
	Path next(int id) {
		return this.directory.resolve("worker-" + id + "-" + this.sequence.incrementAndGet() + ".args");
	}

	/**
	 * Write arguments into a new file that only this user can read.
	 * @param file the file, from {@link #next(int)}
	 * @param arguments the arguments, one element each
	 * @throws IOException if the file cannot be written
	 */
	void write(Path file, List<String> arguments) throws IOException {
		createAgainIfGone();
		StringBuilder text = new StringBuilder();
		ArgumentFileLines.of(arguments).forEach((line) -> text.append(line).append('\n'));
		Files.writeString(
				Files.createFile(file,
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
				text, StandardCharsets.UTF_8, StandardOpenOption.WRITE);
	}

	/**
	 * Create the directory again if it is gone: a master runs for weeks, and a
	 * {@code /tmp} cleaner removes what looks unused for days.
	 * @return whether it was gone
	 * @throws IOException if it cannot be created
	 */
	boolean createAgainIfGone() throws IOException {
		boolean gone = Files.notExists(this.directory, LinkOption.NOFOLLOW_LINKS);
		if (gone) {
			Files.createDirectories(this.directory.getParent());
			try {
				// Not createDirectories: a name taken meanwhile must fail, not be used.
				Files.createDirectory(this.directory, PRIVATE_DIRECTORY);
			}
			catch (FileAlreadyExistsException ex) {
				// Checked below, like any directory found in its place.
			}
		}
		checkPrivate();
		return gone;
	}

	/**
	 * Check that the directory is still the master's own: its name shows in {@code ps},
	 * and once a {@code /tmp} cleaner frees it, another user may create it, or a link, to
	 * read or replace the workers' arguments.
	 */
	private void checkPrivate() throws IOException {
		PosixFileAttributes attributes = Files.readAttributes(this.directory, PosixFileAttributes.class,
				LinkOption.NOFOLLOW_LINKS);
		if (!attributes.isDirectory() || !attributes.owner().equals(this.owner)
				|| attributes.permissions().stream().anyMatch((permission) -> !OWNER.contains(permission))) {
			throw new IOException(this.directory + " is not this master's private directory any more (another "
					+ "user's directory, a link or a file took its place): no worker is launched through it");
		}
	}

	/**
	 * Delete a file if it is still there.
	 * @param file the file
	 */
	void delete(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// The directory goes when the master stops.
		}
	}

	/**
	 * Delete every file and the directory, if it is still the master's own.
	 */
	@Override
	public void close() {
		try {
			checkPrivate();
		}
		catch (IOException ex) {
			// Gone, or not the master's own: what is there now is not the master's to
			// delete.
			return;
		}
		try (DirectoryStream<Path> files = Files.newDirectoryStream(this.directory)) {
			files.forEach(this::delete);
		}
		catch (IOException ex) {
			// Gone already.
		}
		delete(this.directory);
	}

}
