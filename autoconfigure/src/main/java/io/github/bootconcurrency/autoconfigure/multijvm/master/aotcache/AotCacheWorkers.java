package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The workers an {@link AotCacheStore} gave a start to, until each is reaped: the one
 * that records, and those given the cache, each with the cache's generation, which a
 * refusal ends (the cache is then deleted, and made again). The key's directory is in use
 * while any of them runs. Guarded by the store's lock.
 */
final class AotCacheWorkers {

	private final Map<Integer, Long> givenCache = new HashMap<>();

	/** Every worker given a start, which runs from the key's directory. */
	private final Set<Integer> started = new HashSet<>();

	private int recorder;

	private long generation;

	WorkerStart recording(int workerId, Path jar, Path recording) {
		this.recorder = workerId;
		this.started.add(workerId);
		// -Xlog:aot*=error: as it exits, the recording JVM warns of every class it leaves
		// out (about 120 lines for the sample app: proxies, JFR events), into the
		// master's log; its errors still show.
		return new WorkerStart(jar,
				List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + recording, "-Xlog:aot*=error"));
	}

	WorkerStart givenCache(int workerId, Path jar, Path cache) {
		this.givenCache.put(workerId, this.generation);
		this.started.add(workerId);
		// Without -XX:+VerifySharedSpaces the JVM maps a cache whose bytes changed in the
		// middle without noticing; with it, such a cache is refused like a truncated one
		// (about 0.1 s per boot for a cache of 75 MB).
		return new WorkerStart(jar, List.of("-XX:AOTCache=" + cache, "-XX:+VerifySharedSpaces"));
	}

	boolean isRecorder(int workerId) {
		return this.recorder == workerId;
	}

	/**
	 * Whether the worker started with the store's jar and options as they are in a phase:
	 * it records, or it was given the current cache.
	 */
	boolean startedWithIt(AotCachePhase phase, int workerId) {
		return (phase == AotCachePhase.RECORDING && isRecorder(workerId))
				|| (phase == AotCachePhase.READY && hasCurrentCache(workerId));
	}

	/**
	 * Whether the worker was given the cache of this generation, one its JVM did not
	 * refuse.
	 */
	boolean hasCurrentCache(int workerId) {
		Long given = this.givenCache.get(workerId);
		return given != null && given == this.generation;
	}

	/**
	 * A worker's JVM refused the cache it was given.
	 * @return whether it was the first refusal of this generation's cache, which ends it
	 */
	boolean refused(int workerId) {
		boolean first = hasCurrentCache(workerId);
		this.givenCache.remove(workerId);
		if (first) {
			this.generation++;
		}
		return first;
	}

	/**
	 * The worker was reaped, or never started.
	 * @return whether no worker given a start runs any more
	 */
	boolean gone(int workerId) {
		this.givenCache.remove(workerId);
		this.started.remove(workerId);
		return this.started.isEmpty();
	}

	boolean anyRuns() {
		return !this.started.isEmpty();
	}

}
