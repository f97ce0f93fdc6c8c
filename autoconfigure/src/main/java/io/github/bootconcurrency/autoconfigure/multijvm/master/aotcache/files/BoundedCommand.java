package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the master's own short commands (the jar's extraction, the cache's
 * creation) with a bounded wait, keeping only its last lines, each cut: what it prints
 * must neither block it (a pipe nobody reads fills) nor fill the master's heap.
 */
public final class BoundedCommand {

	static final int KEPT_LINES = 20;

	static final int MAX_LINE = 1000;

	private BoundedCommand() {
	}

	/**
	 * Runs a command: {@link BoundedCommand#run}, or a test's stand-in.
	 */
	@FunctionalInterface
	public interface Runner {

		/**
		 * Run a command to its end.
		 * @param command the command
		 * @param timeout how long it may take
		 * @return what it did
		 * @throws IOException if it cannot be started, or did not end in time
		 */
		Result run(List<String> command, Duration timeout) throws IOException;

	}

	/**
	 * What a command did.
	 *
	 * @param exitCode its exit code
	 * @param tail its last lines, for a message
	 */
	public record Result(int exitCode, String tail) {

	}

	/**
	 * Remove the variables a JVM reads options from: the helper JVMs get the options that
	 * shape the cache from the master (in an argument file), and an agent or a log file
	 * named there is the master's or the workers', not theirs.
	 * @param environment the environment of the command
	 */
	static void withoutInheritedJvmOptions(Map<String, String> environment) {
		environment.keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
	}

	/**
	 * Run a command to its end.
	 * @param command the command, which must hold no secret: it shows in {@code ps}
	 * @param timeout how long it may take; it is then killed
	 * @return what it did
	 * @throws IOException if it cannot be started, or did not end in time
	 */
	public static Result run(List<String> command, Duration timeout) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		withoutInheritedJvmOptions(builder.environment());
		Process process = builder.start();
		Deque<String> tail = new ArrayDeque<>();
		Thread reader = Thread.ofVirtual().name("aot-cache-command-output").start(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = in.readLine(); line != null; line = in.readLine()) {
					synchronized (tail) {
						tail.addLast((line.length() > MAX_LINE) ? line.substring(0, MAX_LINE) + " [...]" : line);
						if (tail.size() > KEPT_LINES) {
							tail.removeFirst();
						}
					}
				}
			}
			catch (IOException ex) {
				// The process is gone; what was read is kept.
			}
		});
		try {
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new IOException("'" + command.get(command.size() - 1) + "' did not end within " + timeout);
			}
			reader.join(Duration.ofSeconds(5));
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while waiting for a command", ex);
		}
		synchronized (tail) {
			return new Result(process.exitValue(), String.join("\n", tail));
		}
	}

}
