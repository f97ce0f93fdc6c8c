package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The store's helper JVMs (the extraction, the creation), one at a time, at a lower
 * priority than the workers and with {@link #OPTIONS}, closed as the master begins to
 * stop: none starts after, and the one that runs is destroyed, its thread interrupted,
 * which {@link BoundedCommand} answers by destroying its process.
 */
final class HelperJvms implements BoundedCommand.Runner {

	/**
	 * The options of both helper JVMs: one processor and the C1 compiler only (for a few
	 * to tens of seconds of work, C2 costs more CPU than it saves), so that they take
	 * little of the CPU the workers booting or serving beside them need on the 1-2 CPU
	 * hosts this runs on.
	 */
	static final List<String> OPTIONS = List.of("-XX:ActiveProcessorCount=1", "-XX:TieredStopAtLevel=1");

	private final BoundedCommand.Runner commands;

	/** {@code nice -n 10}, on Linux where it is on the PATH: the workers go first. */
	private final List<String> prefix;

	private boolean closed;

	private @Nullable Thread running;

	HelperJvms(BoundedCommand.Runner commands) {
		this(commands, nice(System.getProperty("os.name", ""), System.getenv("PATH")));
	}

	HelperJvms(BoundedCommand.Runner commands, List<String> prefix) {
		this.commands = commands;
		this.prefix = List.copyOf(prefix);
	}

	/**
	 * Return the command that runs another at a lower priority, {@code nice -n 10}: on
	 * Linux, if {@code nice} is on the PATH; else none.
	 * @param os the operating system's name
	 * @param path the PATH, or {@code null}
	 * @return the command's prefix, or none
	 */
	static List<String> nice(String os, @Nullable String path) {
		if (!os.startsWith("Linux") || path == null) {
			return List.of();
		}
		for (String directory : path.split(File.pathSeparator)) {
			Path nice = directory.isEmpty() ? null : Path.of(directory, "nice");
			if (nice != null && Files.isRegularFile(nice) && Files.isExecutable(nice)) {
				return List.of(nice.toString(), "-n", "10");
			}
		}
		return List.of();
	}

	@Override
	public BoundedCommand.Result run(List<String> command, Duration timeout) throws IOException {
		synchronized (this) {
			if (this.closed) {
				throw new IOException("the master stops");
			}
			this.running = Thread.currentThread();
		}
		try {
			List<String> full = new ArrayList<>(this.prefix);
			full.addAll(command);
			return this.commands.run(full, timeout);
		}
		finally {
			synchronized (this) {
				this.running = null;
			}
		}
	}

	synchronized boolean closed() {
		return this.closed;
	}

	synchronized void close() {
		this.closed = true;
		if (this.running != null) {
			this.running.interrupt();
		}
	}

}
