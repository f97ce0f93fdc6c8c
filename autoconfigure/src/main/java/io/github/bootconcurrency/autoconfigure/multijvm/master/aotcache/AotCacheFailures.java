package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

import java.util.HashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * When a master gives up on its AOT cache: after {@value #MAX_FAILURES} failures
 * (refusals, creations, recorders that left no recording), or {@value #MAX_BOOT_FAILURES}
 * workers in a row started with the store's jar and options that exit before they are
 * ready (those may be what fails them, and a boot failure must not become the master's).
 * Each method counts one and returns why the store turns off, or {@code null} to try
 * again. Guarded by the store's lock.
 */
final class AotCacheFailures {

	static final int MAX_FAILURES = 3;

	static final int MAX_BOOT_FAILURES = 2;

	private int failures;

	private int bootFailures;

	/**
	 * The workers whose boot failures are counted in the row.
	 */
	private final Set<Integer> bootFailed = new HashSet<>();

	@Nullable String failure(String what) {
		return (++this.failures >= MAX_FAILURES) ? what + ", the " + this.failures + "th failure" : null;
	}

	@Nullable String bootFailure(int workerId, String what) {
		this.bootFailed.add(workerId);
		return (++this.bootFailures >= MAX_BOOT_FAILURES) ? what + " (" + this.bootFailures + " such exits in a row)"
				: null;
	}

	/**
	 * A worker started with the store's jar and options became ready: the boot failures
	 * before it were not the cache's doing, or no longer are.
	 */
	void booted() {
		this.bootFailures = 0;
		this.bootFailed.clear();
	}

	/**
	 * A worker's boot failure was not the cache's doing: it no longer counts in the row,
	 * if it did.
	 * @param workerId the worker's id
	 */
	void acquitted(int workerId) {
		if (this.bootFailed.remove(workerId)) {
			this.bootFailures--;
		}
	}

}
