package io.github.bootconcurrency.autoconfigure.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One run of a {@link RedisServer}'s process: its output appended to a log file (which no
 * full pipe can block), watched by the {@link Reaper} until it is killed and reaped.
 */
final class RedisProcess {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

	private static final String ADDRESS_IN_USE = "Address already in use";

	private final Process process;

	private RedisProcess(Process process) {
		this.process = process;
	}

	/**
	 * Start a process and wait, bounded, until it listens on its port and answers there.
	 * @param command the command
	 * @param port the port it is to listen on
	 * @param log the file its output is appended to
	 * @param answers whether a server answers on the port now, each probe bounded
	 * @return the process, or {@code null} if it exited because another program listens
	 * on the port
	 * @throws IllegalStateException if it exited for another reason, or did not answer
	 * within {@link #START_TIMEOUT} (it is killed then), with what it logged
	 */
	static RedisProcess start(List<String> command, int port, Path log, BooleanSupplier answers) {
		RedisProcess redis = null;
		try {
			long logged = Files.exists(log) ? Files.size(log) : 0;
			redis = new RedisProcess(new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
				.start());
			Reaper.watch(redis.process.toHandle());
			long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
			// A server of another build on the same port answers too, until this one
			// fails to bind and exits: only this process's own listening socket counts.
			while (!(redis.listensOn(port) && answers.getAsBoolean())) {
				// Connecting is the one sign of readiness of every Redis (a sentinel logs
				// no
				// "Ready" line); between attempts, wait on the process's exit.
				if (redis.process.waitFor(50, TimeUnit.MILLISECONDS)) {
					Reaper.forget(redis.process.toHandle());
					String written = since(log, logged);
					if (written.contains(ADDRESS_IN_USE)) {
						return null;
					}
					throw new IllegalStateException("Redis exited with status " + redis.process.exitValue()
							+ " before it answered on port " + port + ": " + command + "\n" + written);
				}
				if (System.nanoTime() > deadline) {
					redis.kill();
					throw new IllegalStateException("Redis did not answer on port " + port + " within " + START_TIMEOUT
							+ ", killed: " + command + "\n" + since(log, logged));
				}
			}
			return redis;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + command, ex);
		}
		catch (InterruptedException ex) {
			if (redis != null) {
				redis.kill();
			}
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while starting " + command, ex);
		}
	}

	ProcessHandle handle() {
		return this.process.toHandle();
	}

	/**
	 * Kill the process at once, as a crash would, and reap it.
	 * @return whether it is gone
	 */
	boolean kill() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.process.isAlive()) {
			// Still watched: the reaper kills it when the test JVM ends.
			return false;
		}
		Reaper.forget(this.process.toHandle());
		return true;
	}

	private boolean listensOn(int port) {
		try {
			return MasterProcess.listeningPorts(this.process.pid()).contains(port);
		}
		catch (IOException ex) {
			// Its /proc entry is gone: it exited.
			return false;
		}
	}

	private static String since(Path log, long offset) {
		try {
			byte[] bytes = Files.readAllBytes(log);
			int from = (int) Math.min(offset, bytes.length);
			return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "(its log " + log + " cannot be read: " + ex.getMessage() + ")";
		}
	}

}
