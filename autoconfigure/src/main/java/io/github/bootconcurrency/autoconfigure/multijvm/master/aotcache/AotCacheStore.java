package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files.AotCacheCreateCommand;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files.AotCacheDirectory;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files.BoundedCommand;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files.JarIdentity;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files.PrivateDirectory;
import org.jspecify.annotations.Nullable;

/**
 * The master's AOT cache under {@code aot-cache: auto}, in a private directory named by
 * its {@link AotCacheKey}: the application extracted once ({@code -Djarmode=tools
 * extract}: plain jars, which a cache can be recorded for), one worker launched to record
 * ({@code -XX:AOTMode=record}, written as it exits), the cache created from that by the
 * master ({@code -XX:AOTMode=create}; two steps, not Java 25's one: see
 * {@link AotCacheCreateCommand}), and every later worker launched with it.
 * <p>
 * Phases: {@code NONE} → {@code EXTRACTED} → {@code RECORDING} (one worker) →
 * {@code CREATING} → {@code READY}. A refused cache is deleted, logged once and recorded
 * again; after the failures {@link AotCacheFailures} counts, {@code OFF} (the jar on
 * disk). Of two masters of one key, the keeper ({@link AotCacheDirectory}) extracts,
 * records and creates; the other uses the cache it finds, and takes the key once the
 * first stops. Thread-safe: the master's loop and the creation's thread both call it.
 */
public final class AotCacheStore {

	private final AotCacheDirectory files;

	private final Consumer<String> log;

	private final Executor executor;

	private AotCachePhase phase = AotCachePhase.NONE;

	/** Whether this master holds the key's lock: it alone extracts, records, creates. */
	private boolean owner;

	private final AotCacheFailures failures;

	private final AotCacheWorkers workers = new AotCacheWorkers();

	private AotCacheStore(AotCacheDirectory files, Consumer<String> log, Executor executor) {
		this.files = files;
		this.log = log;
		this.executor = executor;
		this.failures = new AotCacheFailures(log);
	}

	/**
	 * Open the cache of a key, creating its private directory.
	 * @param base where to keep it, such as {@link AotCacheDirectory#defaultBase()}
	 * @param jar the application's jar
	 * @param keyedJar the jar's identity, read before its key: a launch that finds
	 * another jar there gives no start ({@link #jarChanged()})
	 * @param key the key of that jar, JVM and options
	 * @param java the java binary the workers run
	 * @param jvmOptions the workers' JVM options, also the cache's
	 * @param timeout how long an extraction or a creation may take
	 * @param log where the master's lines about the cache go, one line each
	 * @param executor where the creation runs, off the master's loop
	 * @return the store
	 * @throws IOException if the directory cannot be created or is not private
	 */
	public static AotCacheStore open(Path base, Path jar, JarIdentity keyedJar, AotCacheKey key, String java,
			List<String> jvmOptions, Duration timeout, Consumer<String> log, Executor executor) throws IOException {
		return open(base, jar, keyedJar, key, java, jvmOptions, timeout, log, executor, BoundedCommand::run);
	}

	static AotCacheStore open(Path base, Path jar, JarIdentity keyedJar, AotCacheKey key, String java,
			List<String> jvmOptions, Duration timeout, Consumer<String> log, Executor executor,
			BoundedCommand.Runner commands) throws IOException {
		AotCacheDirectory files = AotCacheDirectory.open(base, key.value(), jar, keyedJar, java, jvmOptions, timeout,
				commands);
		AotCacheStore store = new AotCacheStore(files, log, executor);
		store.owner = files.tryLock();
		store.phase = store.owner ? store.found() : AotCachePhase.NONE;
		if (store.owner) {
			// On the store's executor, as the whole open is.
			files.cleanUp(Instant.now());
		}
		return store;
	}

	/**
	 * Extract the application, unless it is there: into a directory of its own, then
	 * renamed, so that no worker runs half an extraction. Blocks for it (seconds); a
	 * failure is logged, and workers start from the jar as it is.
	 */
	public void extract() {
		synchronized (this) {
			if (!this.owner) {
				this.log.accept("AOT cache: another master keeps " + this.files.path()
						+ ": this one starts its workers with the cache it makes, once ready");
			}
			if (this.phase != AotCachePhase.NONE || !this.owner) {
				return;
			}
		}
		long start = System.nanoTime();
		try {
			this.files.extract();
			synchronized (this) {
				this.phase = AotCachePhase.EXTRACTED;
			}
			this.log.accept("AOT cache: extracted the application into " + this.files.path().resolve("app") + " in "
					+ (System.nanoTime() - start) / 1_000_000 + " ms");
		}
		catch (IOException | RuntimeException ex) {
			turnOff("the application could not be extracted (" + ex.getMessage() + ")");
		}
	}

	/**
	 * Return how to start a worker: from the extracted jar, once there is one, the first
	 * worker after the extraction recording the cache and those after the cache is ready
	 * starting with it; any other worker, and every worker once the jar on disk is not
	 * the one keyed ({@link #jarChanged()}), from the application's jar as usual.
	 * @param workerId the worker's id
	 * @return how to start it, or empty to start it from the application's jar as usual
	 */
	public synchronized Optional<WorkerStart> forWorker(int workerId) {
		if (this.files.closed()) {
			return Optional.empty();
		}
		if (this.files.checkJar()) {
			// A new jar on disk: the workers run it, as a plain HUP does, not the copy
			// extracted from the old one; the key is left for a store of this jar.
			this.owner = false;
			close();
			return Optional.empty();
		}
		if (!this.owner && !takeOver()) {
			// Another master holds the key: its cache once there, or the jar on disk.
			if (this.phase == AotCachePhase.OFF || this.files.cacheOfAnotherMaster().isEmpty()) {
				return Optional.empty();
			}
			this.phase = AotCachePhase.READY;
			return Optional.of(this.workers.givenCache(workerId, jarToRun(), this.files.cache()));
		}
		if (!this.files.extracted()) {
			return Optional.empty();
		}
		switch (this.phase) {
			case EXTRACTED -> {
				this.phase = AotCachePhase.RECORDING;
				this.log.accept("AOT cache: worker " + workerId + " records it, written as it exits");
				return Optional.of(this.workers.recording(workerId, jarToRun(), this.files.recording(workerId)));
			}
			case READY -> {
				return Optional.of(this.workers.givenCache(workerId, jarToRun(), this.files.cache()));
			}
			default -> {
				// Not extracted yet, recording, creating or off: the jar on disk, not
				// the extracted copy, which may be what failed.
				return Optional.empty();
			}
		}
	}

	/**
	 * Take the key once the master that held it stopped: this one then extracts, records
	 * and creates.
	 */
	private boolean takeOver() {
		if (this.phase == AotCachePhase.OFF || !this.files.tryLock()) {
			return false;
		}
		this.owner = true;
		this.log.accept("AOT cache: this master now keeps " + this.files.path() + ", the other one stopped");
		this.phase = found();
		// Whole trees, off the loop; not needed before found(): app and app.aot are
		// never stale names. The extraction after it, if there is none.
		Instant lockedAt = Instant.now();
		this.executor.execute(() -> {
			this.files.cleanUp(lockedAt);
			extract();
		});
		return true;
	}

	/** Where the directory stands, as a master found it there. */
	private AotCachePhase found() {
		return !this.files.extracted() ? AotCachePhase.NONE
				: this.files.hasCache() ? AotCachePhase.READY : AotCachePhase.EXTRACTED;
	}

	/**
	 * Tell the store that a worker became ready: one started with its jar and options
	 * (not refused) ends a row of boot failures ({@link AotCacheFailures}).
	 * @param workerId the worker's id
	 */
	public synchronized void onWorkerReady(int workerId) {
		if (this.workers.startedWithIt(this.phase, workerId)) {
			this.failures.booted();
		}
	}

	/**
	 * Tell the store how the retry of a worker it failed to boot went, the worker started
	 * in its slot without it: if it booted, that failure counts, and the count is logged
	 * ({@link AotCacheFailures}); if it failed too, or none is started, it is dropped, as
	 * it is once the cache is off or the store closed.
	 * @param workerId the id of the worker it failed to boot
	 * @param booted whether the retry booted
	 */
	public synchronized void retried(int workerId, boolean booted) {
		boolean counts = this.phase != AotCachePhase.OFF && !this.files.closed();
		gaveUp(this.failures.retried(workerId, booted && counts));
	}

	/**
	 * Tell the store that a worker exited. A recorder's recording becomes the cache if it
	 * served traffic (one of a boot alone leaves the warm-up to every worker).
	 * @param workerId the worker's id
	 * @param requestsServed the requests it served
	 * @param wasReady whether it was ever ready
	 * @param retiredByMaster whether the master stopped it (not its boot timeout)
	 */
	public synchronized void onWorkerExited(int workerId, long requestsServed, boolean wasReady,
			boolean retiredByMaster) {
		boolean startedWithIt = this.workers.startedWithIt(this.phase, workerId);
		boolean recorder = this.phase == AotCachePhase.RECORDING && this.workers.isRecorder(workerId);
		gone(workerId);
		Path recording = this.files.recording(workerId);
		if (!wasReady && !retiredByMaster && startedWithIt) {
			// Started with the store's jar and options, and never ready: they may be
			// what fails it, and a boot failure must not become the master's.
			PrivateDirectory.delete(recording);
			this.failures.bootFailed(workerId);
			this.phase = recorder ? AotCachePhase.EXTRACTED : this.phase;
			return;
		}
		if (!recorder) {
			return;
		}
		if (requestsServed <= 0 || !PrivateDirectory.nonEmpty(recording)) {
			PrivateDirectory.delete(recording);
			String what = "worker " + workerId + " exited "
					+ ((requestsServed <= 0) ? "before serving a request" : "without writing its recording");
			if (requestsServed <= 0 || !gaveUp(this.failures.failure(what))) {
				this.phase = AotCachePhase.EXTRACTED;
				this.log.accept("AOT cache: " + what + ": the next worker records it");
			}
			return;
		}
		if (this.files.closed()) {
			// The master stops: no JVM of the store's starts now.
			PrivateDirectory.delete(recording);
			return;
		}
		this.phase = AotCachePhase.CREATING;
		this.executor.execute(() -> create(recording));
	}

	/**
	 * Tell the store that a worker it gave a start to was never started: its recording is
	 * left to the next worker, and nothing counts as a failure of the cache.
	 * @param workerId the worker's id
	 */
	public synchronized void launchFailed(int workerId) {
		gone(workerId);
		if (this.phase == AotCachePhase.RECORDING && this.workers.isRecorder(workerId)) {
			PrivateDirectory.delete(this.files.recording(workerId));
			this.phase = AotCachePhase.EXTRACTED;
		}
	}

	/**
	 * Tell the store that a worker's JVM refused the cache it was given
	 * ({@link AotCacheRefusal}): the first refusal of a cache deletes it and logs why.
	 * @param workerId the worker's id
	 * @param reason what the JVM said
	 * @return whether a line was logged for it (not for a cache refused already)
	 */
	public synchronized boolean refused(int workerId, String reason) {
		if (!this.workers.refused(workerId) || this.phase != AotCachePhase.READY) {
			return false;
		}
		this.files.refused(this.owner);
		if (!gaveUp(this.failures.failure("worker " + workerId + "'s JVM refused it (" + reason + ")"))) {
			this.phase = this.owner ? AotCachePhase.EXTRACTED : AotCachePhase.NONE;
			this.log.accept("AOT cache refused by worker " + workerId + "'s JVM (" + reason + "): "
					+ (this.owner ? "deleted; the next worker records it again" : "left to the master that keeps it"));
		}
		return true;
	}

	private void create(Path recording) {
		long start = System.nanoTime();
		try {
			long size = this.files.create(recording);
			synchronized (this) {
				this.phase = AotCachePhase.READY;
			}
			this.log.accept("AOT cache: ready (" + size / (1024 * 1024) + " MB, created in "
					+ (System.nanoTime() - start) / 1_000_000 + " ms): workers launched from now on start with it");
		}
		catch (IOException | RuntimeException ex) {
			synchronized (this) {
				if (this.files.closed()) {
					// Destroyed as the master stops: not a failure of the cache.
				}
				else if (ex instanceof AotCacheDirectory.TooLittleSpace) {
					turnOff(ex.getMessage());
				}
				else if (!gaveUp(this.failures.failure("it could not be created (" + ex.getMessage() + ")"))) {
					this.phase = AotCachePhase.EXTRACTED;
					this.log.accept("AOT cache: could not be created (" + ex.getMessage()
							+ "): the next worker records it again");
				}
			}
		}
		finally {
			PrivateDirectory.delete(recording);
		}
	}

	private boolean gaveUp(@Nullable String reason) {
		if (reason != null) {
			turnOff(reason);
		}
		return reason != null;
	}

	private synchronized void turnOff(String reason) {
		this.phase = AotCachePhase.OFF;
		this.log.accept("AOT cache: off for this master: " + reason + "; workers start without it");
	}

	/**
	 * Return whether a launch found the jar on disk no longer the one keyed: the store
	 * then gives no start, and the launch side opens one for the new jar.
	 * @return whether the jar changed
	 */
	public boolean jarChanged() {
		return this.files.jarChanged();
	}

	/**
	 * Close the store as the master stops: no helper JVM starts, a running one is
	 * destroyed; the key is kept until the last worker is reaped.
	 */
	public synchronized void close() {
		this.files.close();
		if (!this.workers.anyRuns()) {
			this.files.release();
		}
	}

	private void gone(int workerId) {
		if (this.workers.gone(workerId) && this.files.closed()) {
			this.files.release();
		}
	}

	/**
	 * Return whether the next worker would record: the extraction it would run is whole.
	 * @return whether it would record
	 */
	public boolean wouldRecord() {
		return phase() == AotCachePhase.EXTRACTED && this.files.extracted();
	}

	/**
	 * Return the phase.
	 * @return the phase
	 */
	public synchronized AotCachePhase phase() {
		return this.phase;
	}

	/**
	 * Return the extracted jar, which workers run once it exists.
	 * @return the jar
	 */
	public Path jarToRun() {
		return this.files.jarToRun();
	}

	/**
	 * Return the directory of this key's cache.
	 * @return the directory
	 */
	public Path directory() {
		return this.files.path();
	}

}
