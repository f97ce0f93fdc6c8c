package io.github.bootconcurrency.autoconfigure.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resource limits as Linux's {@code /proc/self/limits} shows them: what
 * the kernel enforces, read apart from the JVM's management beans that the code under
 * test reads.
 */
public final class ProcLimits {

	private static final Path LIMITS = Path.of("/proc/self/limits");

	private ProcLimits() {
	}

	/**
	 * Return the soft limit on open files, the one a process hits (the JVM raises it to
	 * the hard limit as it starts).
	 * @return the limit, {@link Long#MAX_VALUE} if unlimited
	 * @throws IllegalStateException if the file has no such line (not Linux)
	 */
	public static long openFilesSoftLimit() {
		try {
			for (String line : Files.readAllLines(LIMITS)) {
				if (line.startsWith("Max open files")) {
					String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
					return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		throw new IllegalStateException("No \"Max open files\" line in " + LIMITS);
	}

}
