package io.github.bootconcurrency.autoconfigure.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Stops what the tests started when the test JVM dies without stopping it: a Surefire
 * fork killed at its timeout, a crash, a {@code kill -9}.
 *
 * <p>
 * Design: one {@code sh} per test JVM, started on first use, reads a pipe from this JVM.
 * Each process a test starts is written to it ({@code +pid}) and taken back once the test
 * has reaped it ({@code -pid}); each temporary directory is written too ({@code dir}).
 * The pipe closes only when this JVM ends, however it ends, because the kernel closes its
 * descriptors: the shell then sends {@code TERM} to every process still listed (a master
 * stops its workers on {@code TERM}), {@code KILL} to those left three seconds later, and
 * removes the directories. A normal end of the JVM closes the pipe too, which makes the
 * same sweep a safety net after every run.
 */
public final class Reaper {

	private static final String SCRIPT = """
			pids=""; dirs=""
			while IFS= read -r line; do
			  case "$line" in
			    +*) pids="$pids ${line#+}" ;;
			    -*) pids=$(printf '%s\\n' $pids | grep -vx "${line#-}" | tr '\\n' ' ') ;;
			    dir\\ *) dirs="$dirs
			${line#dir }" ;;
			  esac
			done
			if [ -n "$(echo $pids)" ]; then
			  kill -TERM $pids 2>/dev/null
			  sleep 3
			  kill -KILL $pids 2>/dev/null
			fi
			printf '%s\\n' "$dirs" | while IFS= read -r dir; do
			  [ -n "$dir" ] && rm -rf -- "$dir"
			done
			""";

	private static Reaper instance;

	private final OutputStream pipe;

	private Reaper(Process shell) {
		this.pipe = shell.getOutputStream();
	}

	private static synchronized Reaper instance() {
		if (instance == null) {
			try {
				// Its output is discarded, so that nothing waits on it.
				Process shell = new ProcessBuilder("sh", "-c", SCRIPT).redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.start();
				instance = new Reaper(shell);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot start the reaper of the tests' child processes", ex);
			}
		}
		return instance;
	}

	/**
	 * Stop a process when this JVM ends, unless it was {@link #forget(ProcessHandle)
	 * forgotten} first.
	 * @param process the process
	 */
	public static void watch(ProcessHandle process) {
		instance().send("+" + process.pid());
	}

	/**
	 * Take a process off the list, once it has ended: its pid may be reused.
	 * @param process the process
	 */
	public static void forget(ProcessHandle process) {
		instance().send("-" + process.pid());
	}

	/**
	 * Remove a directory, and what it holds, when this JVM ends.
	 * @param directory the directory
	 */
	public static void removeOnExit(Path directory) {
		String path = directory.toAbsolutePath().toString();
		if (path.indexOf('\n') >= 0) {
			throw new IllegalArgumentException("A path with a line break: " + path);
		}
		instance().send("dir " + path);
	}

	private synchronized void send(String line) {
		try {
			this.pipe.write((line + "\n").getBytes(StandardCharsets.UTF_8));
			this.pipe.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("The reaper of the tests' child processes is gone", ex);
		}
	}

}
