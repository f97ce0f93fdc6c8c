package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.time.Duration;
import java.time.Instant;

/**
 * How long the master waits before it starts a worker after workers exited early: 250 ms
 * after the first early exit in a row, doubling up to 30 s, so that an application that
 * crashes at once does not make the master spin.
 */
final class RespawnBackoff {

	static final Duration FIRST = Duration.ofMillis(250);

	static final Duration MAX = Duration.ofSeconds(30);

	private int earlyExits;

	private Instant next = Instant.MIN;

	/**
	 * Count one more early exit in a row and push the next start back.
	 * @param now the time
	 * @return how long the next start waits
	 */
	Duration earlyExit(Instant now) {
		this.earlyExits++;
		long millis = Math.min(MAX.toMillis(), FIRST.toMillis() << Math.min(10, this.earlyExits - 1));
		Duration delay = Duration.ofMillis(millis);
		this.next = now.plus(delay);
		return delay;
	}

	/**
	 * A worker lived long enough: the next early exit starts the series again.
	 */
	void reset() {
		this.earlyExits = 0;
	}

	int earlyExits() {
		return this.earlyExits;
	}

	boolean allows(Instant now) {
		return !now.isBefore(this.next);
	}

}
