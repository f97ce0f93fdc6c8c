package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.time.Duration;

/**
 * Ends the {@link Arbiter}'s loop with an exit status: thrown once the master has
 * stopped, caught only by {@link Arbiter#run(long, Duration)}.
 */
final class Halt extends RuntimeException {

	private final int status;

	Halt(int status) {
		super(null, null, false, false);
		this.status = status;
	}

	int status() {
		return this.status;
	}

}
