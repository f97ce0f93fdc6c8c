package io.github.bootconcurrency.autoconfigure.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A short command run to its end, with a bound: its output goes to a file, not a pipe, so
 * that nothing is read until the command has exited or been killed at the bound, and a
 * command that hangs with its output open fails its test instead of hanging it.
 */
public final class Commands {

	private Commands() {
	}

	/**
	 * What a command did.
	 *
	 * @param command the command
	 * @param exitValue its exit status
	 * @param output its standard output and error, interleaved
	 */
	public record Result(List<String> command, int exitValue, String output) {

	}

	/**
	 * Run a command to its end.
	 * @param command the command and its arguments
	 * @param timeout how long it may take; it is killed then
	 * @return what it did
	 * @throws IllegalStateException if it cannot be started, or did not end within the
	 * timeout, with what it wrote until then
	 */
	public static Result run(List<String> command, Duration timeout) {
		Path output = null;
		try {
			output = Files.createTempFile("command-", ".out");
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			Reaper.watch(process.toHandle());
			boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (!ended) {
				process.destroyForcibly();
				process.waitFor(10, TimeUnit.SECONDS);
			}
			Reaper.forget(process.toHandle());
			String written = Files.readString(output, StandardCharsets.UTF_8);
			if (!ended) {
				throw new IllegalStateException(
						"Did not end within " + timeout + ", killed: " + command + "\nIts output:\n" + written);
			}
			return new Result(command, process.exitValue(), written);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + command, ex);
		}
		finally {
			if (output != null) {
				try {
					Files.deleteIfExists(output);
				}
				catch (IOException ex) {
					// A file in the temporary directory.
				}
			}
		}
	}

}
