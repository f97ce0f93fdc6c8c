package io.github.bootconcurrency.autoconfigure.multijvm.master.workers;

import java.time.Duration;
import java.time.Instant;

import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerProcess;

/**
 * When the worker that records the AOT cache ({@code concurrency.multi-jvm.aot-cache:
 * auto}) has recorded enough: the JVM writes its recording only as it exits, so the
 * master replaces it, surge-first as after {@code max-requests}, and creates the cache
 * from what it ran. The simplest policy that records a warmed-up worker: after
 * {@link #REQUESTS} requests, or after {@link #READY_FOR} of readiness with at least one
 * request (a recording of a boot alone leaves the warm-up to every worker, and the store
 * refuses it).
 */
public final class AotCacheRecorder {

	/**
	 * Requests after which the recording worker is replaced: enough for the application's
	 * request path to be loaded, linked and profiled.
	 */
	public static final long REQUESTS = 1000;

	/**
	 * How long the recording worker serves, having served one request, before it is
	 * replaced under light traffic.
	 */
	public static final Duration READY_FOR = Duration.ofMinutes(2);

	private AotCacheRecorder() {
	}

	/**
	 * Return whether a ready worker recorded long enough.
	 * @param worker the worker
	 * @param now the time
	 * @return whether to replace it
	 */
	static boolean recordedEnough(Worker worker, Instant now) {
		if (!worker.process().aotCache().filter(WorkerProcess.AOT_CACHE_RECORDING::equals).isPresent()) {
			return false;
		}
		Instant readyAt = worker.readyAt();
		return worker.requests() >= REQUESTS || (worker.requests() > 0 && readyAt != null
				&& Duration.between(readyAt, now).compareTo(READY_FOR) >= 0);
	}

	/**
	 * Return what the master logs as it replaces the recorder.
	 * @param worker the worker
	 * @param now the time
	 * @return the line
	 */
	static String why(Worker worker, Instant now) {
		Instant readyAt = worker.readyAt();
		String over = (worker.requests() >= REQUESTS) ? "over " + worker.requests() + " requests"
				: "for " + ((readyAt != null) ? Duration.between(readyAt, now).toSeconds() : 0) + " s ("
						+ worker.requests() + " requests)";
		return worker + " recorded the AOT cache " + over + ": replacing it so that its recording becomes the cache ("
				+ ReplacementReason.AOT_CACHE.value() + ")";
	}

}
