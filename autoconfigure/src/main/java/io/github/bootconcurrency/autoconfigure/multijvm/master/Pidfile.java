package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The file that holds the master's process id while it runs
 * ({@code concurrency.multi-jvm.pidfile}), as Gunicorn's {@code pidfile}.
 */
final class Pidfile {

	private final Path path;

	private final PrintStream out;

	private boolean written;

	/**
	 * Create the pidfile's handle.
	 * @param path the file, or {@code null} for none
	 * @param out where a failure to remove it is reported
	 */
	Pidfile(Path path, PrintStream out) {
		this.path = path;
		this.out = out;
	}

	void write() {
		if (this.path != null) {
			try {
				Files.writeString(this.path, ProcessHandle.current().pid() + "\n");
				this.written = true;
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot write concurrency.multi-jvm.pidfile " + this.path + ": " + ex,
						ex);
			}
		}
	}

	/**
	 * Remove the pidfile, if this master wrote it: a master that could not start must not
	 * remove the pidfile of the one that runs.
	 */
	void delete() {
		if (this.written) {
			try {
				Files.deleteIfExists(this.path);
			}
			catch (IOException ex) {
				this.out.println("[master] Could not delete " + this.path + ": " + ex.getMessage());
			}
		}
	}

}
