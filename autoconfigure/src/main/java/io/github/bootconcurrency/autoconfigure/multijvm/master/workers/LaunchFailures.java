package io.github.bootconcurrency.autoconfigure.multijvm.master.workers;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * What the master's loop does when it cannot launch a worker at all: the argument
 * directory removed by a {@code /tmp} cleaner, a full disk, the {@code java} binary
 * replaced during a package upgrade. That is the master's environment failing, not the
 * application, so it is not a failed boot: while a worker runs, the master retries, 1 s
 * after the first failure of an episode, the delay doubling up to 30 s, and never stops
 * for it. A second is long enough not to spin on a disk that stays full, and 30 s short
 * enough that a worker comes back soon after the environment is repaired; between the
 * two, a broken environment costs at most 120 attempts an hour. The episode is logged
 * once, with its cause, and again once a worker starts.
 *
 * <p>
 * A master with no worker running is not left half alive: after
 * {@link #MAX_WITH_NONE_RUNNING} failed launches in a row with none running (at startup,
 * 3 s: 1 s, then 2 s apart), it stops with the status of workers that cannot boot, as it
 * does after that many failed boots. A master whose last worker died during a long
 * episode gives up after three more attempts, at most 90 s.
 */
public final class LaunchFailures {

	static final Duration FIRST = Duration.ofSeconds(1);

	static final Duration MAX = Duration.ofSeconds(30);

	static final int MAX_WITH_NONE_RUNNING = 3;

	private final Consumer<String> log;

	private int failures;

	private int withNoneRunning;

	private Instant since;

	private Instant next = Instant.MIN;

	/**
	 * Create the policy.
	 * @param log where the master's lines go
	 */
	public LaunchFailures(Consumer<String> log) {
		this.log = log;
	}

	/**
	 * Whether a launch may be attempted now.
	 * @param now the time
	 * @return whether the delay after the last failure is over
	 */
	public boolean allows(Instant now) {
		return !now.isBefore(this.next);
	}

	/**
	 * Count a failed launch and push the next attempt back.
	 * @param failure why the launch failed, saying which worker
	 * @param running how many workers run, booting or ready: one that boots is bounded by
	 * its boot timeout and the failed-boot rule
	 * @param now the time
	 * @return why the master stops, or empty if it retries
	 */
	public Optional<String> failed(IOException failure, int running, Instant now) {
		this.failures++;
		this.withNoneRunning = (running > 0) ? 0 : this.withNoneRunning + 1;
		Duration delay = Duration
			.ofMillis(Math.min(MAX.toMillis(), FIRST.toMillis() << Math.min(10, this.failures - 1)));
		this.next = now.plus(delay);
		if (this.withNoneRunning >= MAX_WITH_NONE_RUNNING) {
			return Optional.of("Could not start a worker " + this.withNoneRunning
					+ " times in a row with no worker running: stopping. Cause: " + cause(failure));
		}
		if (this.failures == 1) {
			this.since = now;
			log(failure.getMessage() + ": the master's environment fails, not the application. Retrying in "
					+ delay.toSeconds() + " s, the delay doubling up to " + MAX.toSeconds() + " s, "
					+ ((running > 0) ? "while " + running + " worker(s) run"
							: "but with no worker running the master stops after " + MAX_WITH_NONE_RUNNING
									+ " failures in a row")
					+ "; logged again once a worker starts");
		}
		return Optional.empty();
	}

	/**
	 * A worker was launched: the episode, if any, is over.
	 * @param now the time
	 */
	public void launched(Instant now) {
		if (this.failures > 0) {
			log("Workers can be started again, after " + this.failures + " failed attempt(s) over "
					+ Duration.between(this.since, now).toSeconds() + " s");
		}
		this.failures = 0;
		this.withNoneRunning = 0;
		this.next = Instant.MIN;
	}

	private static @Nullable String cause(IOException failure) {
		return (failure.getCause() != null) ? failure.getCause().toString() : failure.getMessage();
	}

	private void log(String message) {
		this.log.accept(message);
	}

}
