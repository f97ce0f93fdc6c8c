package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.io.PrintStream;

/**
 * The master's own lines on its output. Each starts with {@code [master]}, so that they
 * stand apart from the workers' lines, which the master copies to the same output with a
 * prefix of their own, and so that a script or a test can wait for one of them.
 */
public final class MasterLog {

	private static final String PREFIX = "[master] ";

	private MasterLog() {
	}

	/**
	 * Write one line of the master's own.
	 * @param out the master's output
	 * @param message the line, without the prefix
	 */
	public static void println(PrintStream out, String message) {
		out.println(PREFIX + message);
	}

}
