package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.MasterLog;
import org.jspecify.annotations.Nullable;

/**
 * The file that holds the master's process id while it runs
 * ({@code concurrency.multi-jvm.pidfile}), as Gunicorn's {@code pidfile}.
 *
 * <p>
 * The file names one running master or none. It is checked before the master binds
 * anything, so that a second master refuses with the first one's pid rather than a port
 * in use, and written only once the port is bound, created exclusively: a file that names
 * a running JVM is never replaced, one whose process is gone is replaced with a line
 * saying so, and anything that is not a pidfile (another file, a symbolic link, which is
 * never followed) is refused rather than overwritten. The content is written to a private
 * file first and linked into place, so that a reader never sees a half-written pid. Only
 * the master whose pid the file still holds removes it.
 */
final class Pidfile {

	private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

	/** More than any pid and its newline: a longer file is not a pidfile. */
	private static final int MAX_LENGTH = 32;

	private final @Nullable Path path;

	private final PrintStream out;

	private final long pid = ProcessHandle.current().pid();

	private boolean written;

	/**
	 * Create the pidfile's handle.
	 * @param path the file, or {@code null} for none
	 * @param out where a replaced stale file and a failure to remove it are reported
	 */
	Pidfile(@Nullable Path path, PrintStream out) {
		this.path = path;
		this.out = out;
	}

	/**
	 * Refuse to start if the file names a running master; called before anything is
	 * bound. A stale file stays until {@link #write()} replaces it.
	 * @throws PidfileInUseException if the file names a running JVM or is not a pidfile
	 */
	void check() {
		if (this.path != null) {
			try {
				inspect();
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot read concurrency.multi-jvm.pidfile " + this.path + ": " + ex,
						ex);
			}
		}
	}

	/**
	 * Create the file with this process's id, once the port is bound.
	 * @throws PidfileInUseException if the file names a running JVM or is not a pidfile
	 */
	void write() {
		if (this.path == null) {
			return;
		}
		try {
			// Twice at most: once more after a stale file was removed. Another master
			// that wins the race in between is found by the second inspection.
			for (int attempt = 0; attempt < 2 && !this.written; attempt++) {
				Optional<Long> stale = inspect();
				if (stale.isPresent()) {
					Files.deleteIfExists(this.path);
					MasterLog.println(this.out,
							"Replaced the stale pidfile " + this.path + ": "
									+ ((stale.get() == this.pid) ? "it held this master's own pid, from an earlier run"
											: "process " + stale.get() + " that it named no longer runs a JVM"));
				}
				this.written = create();
			}
			if (!this.written) {
				throw new PidfileInUseException(this.path, -1,
						"another process created it at the same time as this master, twice");
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot write concurrency.multi-jvm.pidfile " + this.path + ": " + ex, ex);
		}
	}

	/**
	 * Link a complete file into place, failing rather than replacing whatever is there.
	 * @return whether the file is this master's now
	 */
	private boolean create() throws IOException {
		Path directory = this.path.toAbsolutePath().getParent();
		Path draft = Files.createTempFile(directory, "." + this.path.getFileName() + ".", ".tmp");
		try {
			Files.writeString(draft, this.pid + "\n");
			try {
				Files.createLink(this.path, draft);
			}
			catch (UnsupportedOperationException | IOException ex) {
				if (ex instanceof FileAlreadyExistsException) {
					return false;
				}
				// No hard links on this file system: an exclusive creation, which a
				// reader may find empty for an instant, and which O_NOFOLLOW keeps off a
				// symbolic link.
				try {
					Files.writeString(this.path, this.pid + "\n", StandardOpenOption.CREATE_NEW,
							StandardOpenOption.WRITE, NOFOLLOW);
				}
				catch (FileAlreadyExistsException exists) {
					return false;
				}
			}
			return true;
		}
		finally {
			Files.deleteIfExists(draft);
		}
	}

	/**
	 * Look at what is at the path now.
	 * @return the pid of a stale pidfile, or empty if there is no file
	 * @throws PidfileInUseException if the file names a running JVM or is not a pidfile
	 */
	private Optional<Long> inspect() throws IOException {
		if (Files.isSymbolicLink(this.path)) {
			throw new PidfileInUseException(this.path, -1,
					"it is a symbolic link, and the master never writes a pidfile through one");
		}
		if (!Files.exists(this.path, NOFOLLOW)) {
			return Optional.empty();
		}
		if (!Files.isRegularFile(this.path, NOFOLLOW)) {
			throw new PidfileInUseException(this.path, -1, "it is not a regular file");
		}
		Optional<Long> named = read();
		if (named.isEmpty()) {
			throw new PidfileInUseException(this.path, -1,
					"it exists and does not hold a process id, so it may not be a pidfile; the master only replaces "
							+ "a pidfile whose process is gone");
		}
		long other = named.get();
		if (other != this.pid && runsJvm(other)) {
			throw new PidfileInUseException(this.path, other, "it names process " + other
					+ ", which is running a JVM: another master is likely running with this pidfile");
		}
		return named;
	}

	/**
	 * Whether a process runs and is a JVM. A pid the system reused for another program
	 * makes the file stale; a process that cannot be looked into counts as a JVM, since
	 * refusing is the safe mistake.
	 */
	private static boolean runsJvm(long pid) {
		return ProcessHandle.of(pid)
			.filter(ProcessHandle::isAlive)
			.map((process) -> process.info()
				.command()
				.map((command) -> Path.of(command).getFileName().toString().startsWith("java"))
				.orElse(true))
			.orElse(false);
	}

	private Optional<Long> read() throws IOException {
		byte[] content;
		try (InputStream in = Files.newInputStream(this.path, StandardOpenOption.READ, NOFOLLOW)) {
			content = in.readNBytes(MAX_LENGTH + 1);
		}
		String text = new String(content, StandardCharsets.US_ASCII).strip();
		if (content.length > MAX_LENGTH || !text.matches("[0-9]{1,19}")) {
			return Optional.empty();
		}
		try {
			return Optional.of(Long.parseLong(text));
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Remove the pidfile if this master wrote it and it still holds this master's pid: a
	 * master that could not start, or whose file was replaced, must not remove the file
	 * of one that runs.
	 */
	void delete() {
		if (!this.written) {
			return;
		}
		try {
			if (!Files.exists(this.path, NOFOLLOW)) {
				return;
			}
			if (!Files.isSymbolicLink(this.path) && read().filter((named) -> named == this.pid).isPresent()) {
				Files.delete(this.path);
			}
			else {
				MasterLog.println(this.out, "Left " + this.path + " in place: it no longer holds this master's pid");
			}
		}
		catch (IOException ex) {
			MasterLog.println(this.out, "Could not delete " + this.path + ": " + ex.getMessage());
		}
	}

}
