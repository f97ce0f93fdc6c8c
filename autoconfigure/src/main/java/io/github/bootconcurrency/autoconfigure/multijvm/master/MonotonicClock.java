package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The master's time: the wall clock when the master started, then only what
 * {@link System#nanoTime()} counts. A wall clock that NTP steps forward would make every
 * worker look silent, or past its deadline, at once.
 */
final class MonotonicClock implements InstantSource {

	private final Instant origin = Instant.now();

	private final long start = System.nanoTime();

	@Override
	public Instant instant() {
		return this.origin.plusNanos(System.nanoTime() - this.start);
	}

}
