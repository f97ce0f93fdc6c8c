package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.nio.file.Path;

/**
 * Thrown when the multi-jvm master will not use its pidfile: it names another running
 * JVM, most likely a master started with the same pidfile, or it is not a pidfile at all.
 * The master then starts nothing, and leaves the file as it was.
 */
public class PidfileInUseException extends RuntimeException {

	private final Path path;

	private final long pid;

	/**
	 * Create the exception.
	 * @param path the pidfile
	 * @param pid the running process the file names, or -1 if it names none
	 * @param reason why the master will not use the file
	 */
	public PidfileInUseException(Path path, long pid, String reason) {
		super("The multi-jvm master will not use concurrency.multi-jvm.pidfile " + path + ": " + reason);
		this.path = path;
		this.pid = pid;
	}

	/**
	 * Return the pidfile.
	 * @return the path
	 */
	public Path getPath() {
		return this.path;
	}

	/**
	 * Return the running process that the file names.
	 * @return the pid, or -1 if the file names no running process
	 */
	public long getPid() {
		return this.pid;
	}

}
