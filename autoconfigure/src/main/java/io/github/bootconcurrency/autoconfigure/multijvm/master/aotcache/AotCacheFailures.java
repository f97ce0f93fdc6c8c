package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * When a master gives up on its AOT cache: after {@value #MAX_FAILURES} failures
 * (refusals, creations, recorders that left no recording), or {@value #MAX_BOOT_FAILURES}
 * boot failures of the cache in a row. A worker started with the store's jar and options
 * that exits before it is ready is retried in its slot without them, and its failure is
 * the cache's only once that retry boots: if the retry fails too, the application failed,
 * not the cache, and if it never comes (its slot no longer wanted), nothing tells: either
 * way the failure is dropped. So workers that fail at once for the application's own
 * reason (a database down in a crash storm) leave the cache on while the application
 * cannot boot, where each counted as it exited would turn it off before any retry could
 * clear it. A retry cannot tell the cache from an application that recovered in the
 * meantime: if it recovers between a worker's try with the cache and its retry, that
 * retry boots and the failure counts, and {@value #MAX_BOOT_FAILURES} such in a row turn
 * the cache off for the master's life. A worker started with the store's jar and options
 * that becomes ready ends the row, and the failures still waiting for their retry with
 * it. The counting methods return why the store turns off, or {@code null} to go on.
 * Guarded by the store's lock.
 */
final class AotCacheFailures {

	static final int MAX_FAILURES = 3;

	static final int MAX_BOOT_FAILURES = 2;

	private final Consumer<String> log;

	private int failures;

	private int bootFailures;

	/**
	 * The workers that failed to boot with the store's jar and options whose retry has
	 * not told yet.
	 */
	private final Set<Integer> pending = new HashSet<>();

	AotCacheFailures(Consumer<String> log) {
		this.log = log;
	}

	@Nullable String failure(String what) {
		return (++this.failures >= MAX_FAILURES) ? what + ", the " + this.failures + "th failure" : null;
	}

	/**
	 * A worker started with the store's jar and options exited before it was ready: not
	 * counted until its retry without them boots. Not logged: the master's line about the
	 * failure says whether a retry comes, which the store cannot know.
	 * @param workerId the worker's id
	 */
	void bootFailed(int workerId) {
		this.pending.add(workerId);
	}

	/**
	 * The retry of a worker that failed to boot with the store's jar and options, started
	 * in its slot without them, went one way or the other: if it booted, the cache is the
	 * likely culprit, and the failure counts in the row; if it failed too, or none is
	 * started (its slot no longer wanted), the failure was not the cache's, and is
	 * dropped.
	 * @param workerId the id of the worker that failed with the cache
	 * @param booted whether the retry booted
	 * @return why the store turns off, or {@code null}
	 */
	@Nullable String retried(int workerId, boolean booted) {
		if (!this.pending.remove(workerId) || !booted) {
			// Dropped, or the row ended since, or not the cache's.
			return null;
		}
		String what = "worker " + workerId + ", started with it, exited before it was ready, and its retry without "
				+ "the cache booted";
		if (++this.bootFailures >= MAX_BOOT_FAILURES) {
			return what + " (" + this.bootFailures + " such failures in a row)";
		}
		this.log
			.accept("AOT cache: " + what + "; at " + MAX_BOOT_FAILURES + " such failures in a row it is turned off");
		return null;
	}

	/**
	 * A worker started with the store's jar and options became ready: the boot failures
	 * before it, counted or waiting for their retry, were not the cache's doing, or no
	 * longer are.
	 */
	void booted() {
		this.bootFailures = 0;
		this.pending.clear();
	}

}
