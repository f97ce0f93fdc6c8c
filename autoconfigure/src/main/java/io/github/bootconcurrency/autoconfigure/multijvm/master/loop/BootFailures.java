package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Worker;

/**
 * The master's policy for workers that do not live: a worker that exits within
 * {@link #EARLY_EXIT} of being ready, or before it is ready, pushes the next start back
 * ({@link RespawnBackoff}); {@value #MAX_BOOT_FAILURES} workers in a row that fail to
 * boot stop the master, as Gunicorn's arbiter does, since the next ones would fail too. A
 * worker started with the AOT cache store's jar and options is not counted: the next
 * worker in its slot starts without the cache, and the store counts the failure only if
 * that one boots, turning the cache off after fewer ({@link FailedBoots}); the workers
 * after that, started as usual, are counted, and the cache is never what stops the
 * master.
 */
final class BootFailures {

	static final int MAX_BOOT_FAILURES = 3;

	static final Duration EARLY_EXIT = Duration.ofSeconds(10);

	private final RespawnBackoff backoff = new RespawnBackoff();

	private final Consumer<String> log;

	private int inARow;

	BootFailures(Consumer<String> log) {
		this.log = log;
	}

	/**
	 * A worker became ready: the count of boot failures in a row starts again.
	 */
	void ready() {
		this.inARow = 0;
	}

	/**
	 * A worker that was ready exited: back off if it served only briefly.
	 * @param worker the worker
	 * @param now the time
	 */
	void exited(Worker worker, Instant now) {
		if (Duration.between(worker.readyAt(), now).compareTo(EARLY_EXIT) < 0) {
			backOff(now);
		}
		else {
			this.backoff.reset();
		}
	}

	/**
	 * A worker started with the AOT cache store's jar and options failed to boot: the
	 * store's own count of boot failures turns the cache off, not this one, once the next
	 * worker in its slot, started without the cache, tells whether the cache failed it.
	 * @param what what happened, for the log
	 * @param reloading whether a reload it would otherwise abandon runs
	 * @param retried whether the next worker in its slot retries it without the cache:
	 * not if the slot is no longer wanted
	 * @param now the time
	 */
	void failedWithAotCache(String what, boolean reloading, boolean retried, Instant now) {
		this.log.accept(what + ": it started with the AOT cache; not counted toward the master's " + MAX_BOOT_FAILURES
				+ " in a row, " + (reloading ? "abandons no reload, " : "")
				+ (retried
						? "and the next worker in its slot starts without the cache: if that one boots, the cache's "
								+ "own count of such failures, which turns it off, counts this one"
						: "and its slot is no longer wanted: no worker retries it without the cache, and the cache "
								+ "does not count it"));
		backOff(now);
	}

	/**
	 * A worker failed to boot.
	 * @param what what happened, for the log
	 * @param now the time
	 * @return why the master stops, if too many failed in a row
	 */
	Optional<String> failed(String what, Instant now) {
		this.inARow++;
		this.log.accept(what + " (" + this.inARow + " in a row)");
		if (this.inARow >= MAX_BOOT_FAILURES) {
			return Optional.of("Workers failed to boot " + this.inARow
					+ " times in a row: stopping. Their output above says why.");
		}
		backOff(now);
		return Optional.empty();
	}

	/**
	 * Whether a worker may start now, or waits for the back-off.
	 * @param now the time
	 * @return whether it may start
	 */
	boolean allows(Instant now) {
		return this.backoff.allows(now);
	}

	private void backOff(Instant now) {
		Duration delay = this.backoff.earlyExit(now);
		this.log.accept("Next worker in " + delay.toMillis() + " ms (" + this.backoff.earlyExits()
				+ " early exit(s) in a row)");
	}

}
