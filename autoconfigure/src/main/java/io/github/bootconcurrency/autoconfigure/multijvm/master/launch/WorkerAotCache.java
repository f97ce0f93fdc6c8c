package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheKey;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheSetting;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheStore;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.WorkerStart;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files.AotCacheDirectory;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files.JarIdentity;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import org.jspecify.annotations.Nullable;

/**
 * The workers' AOT cache as the launcher applies it
 * ({@code concurrency.multi-jvm.aot-cache}): nothing when off; a user's cache file given
 * to every worker; under {@code auto} an {@link AotCacheStore}, opened and the
 * application extracted off the master's loop (a second or more), until which workers
 * start as usual. Nothing here fails the master or a worker's launch: a cache that cannot
 * be kept is logged once ({@code AOT cache: off (reason)}) and workers start without it.
 */
public final class WorkerAotCache {

	/**
	 * The least time the extraction's and the creation's JVMs may take. They run with one
	 * processor, so on a host whose cores serve or boot workers they get a share of one:
	 * a creation that takes 5 to 30 s on an idle host took over 90 s (the boot timeout)
	 * beside a build's tests. Nothing waits for them; the bound is for a JVM that hangs.
	 */
	static final Duration HELPER_TIMEOUT = Duration.ofMinutes(10);

	private final PrintStream out;

	private final boolean kept;

	private final @Nullable Path userFile;

	private final AtomicBoolean userFileRefused = new AtomicBoolean();

	private final AtomicBoolean reopening = new AtomicBoolean();

	private final AtomicBoolean jvmArgsRefused = new AtomicBoolean();

	private volatile @Nullable AotCacheStore store;

	/** Opens a store for the jar on disk, on the store's executor; none if not auto. */
	private @Nullable Runnable opener;

	private volatile boolean closed;

	private WorkerAotCache(PrintStream out, boolean kept, @Nullable Path userFile) {
		this.out = out;
		this.kept = kept;
		this.userFile = userFile;
	}

	/**
	 * Return no cache.
	 * @param out where the master's lines go
	 * @return the cache
	 */
	public static WorkerAotCache off(PrintStream out) {
		return new WorkerAotCache(out, false, null);
	}

	/**
	 * Return the cache of a store opened already.
	 * @param store the store
	 * @param out where the master's lines go
	 * @return the cache
	 */
	static WorkerAotCache of(AotCacheStore store, PrintStream out) {
		WorkerAotCache cache = new WorkerAotCache(out, true, null);
		cache.store = store;
		return cache;
	}

	/**
	 * Apply the configured setting to this launch: under {@code auto}, the store is
	 * opened and the application extracted on {@code executor}, never on the caller's
	 * thread, which is the master's.
	 * @param config the configuration the master starts with
	 * @param launch the workers' command line
	 * @param base where to keep the cache, or {@code null} for
	 * {@link AotCacheDirectory#defaultBase()}
	 * @param executor where the store's work runs, off the master's loop
	 * @param out where the master's lines go
	 * @return the cache
	 */
	public static WorkerAotCache start(MasterConfig config, WorkerLaunch launch, @Nullable Path base, Executor executor,
			PrintStream out) {
		return start(config, config.aotCache(), launch, base, executor, out);
	}

	static WorkerAotCache start(MasterConfig config, AotCacheSetting configured, WorkerLaunch launch,
			@Nullable Path base, Executor executor, PrintStream out) {
		if (configured instanceof AotCacheSetting.Off) {
			// Off as configured: nothing to say.
			return off(out);
		}
		List<String> options = new ArrayList<>(launch.jvmOptions());
		options.addAll(config.jvmArgs());
		Optional<Path> jar = launch.jar();
		AotCacheSetting setting = configured.resolve(Runtime.version(), jar.isPresent(), options);
		switch (setting) {
			case AotCacheSetting.Off(String reason) -> {
				MasterLog.println(out, "AOT cache: off (" + reason + ")");
				return off(out);
			}
			case AotCacheSetting.UserFile(Path file) -> {
				MasterLog.println(out,
						"AOT cache: " + file + " (concurrency.multi-jvm.aot-cache), given to every worker");
				return new WorkerAotCache(out, true, file);
			}
			case AotCacheSetting.Auto(boolean explicit) -> {
				WorkerAotCache cache = new WorkerAotCache(out, true, null);
				Path applicationJar = jar.orElseThrow();
				// The creation shares the workers' collector and heap, resolved as their
				// command is.
				List<String> workerOptions = launch.workerJvmOptions(config.jvmArgs());
				cache.opener = () -> executor.execute(() -> cache.open(applicationJar, launch.java(), options,
						workerOptions, base, explicit, config, executor));
				cache.opener.run();
				return cache;
			}
		}
	}

	private void open(Path jar, String java, List<String> options, List<String> workerOptions, @Nullable Path base,
			boolean explicit, MasterConfig config, Executor executor) {
		try {
			Path directory = (base != null) ? base : AotCacheDirectory.defaultBase();
			Optional<String> memory = explicit ? Optional.empty() : InMemoryFileSystem.type(directory);
			if (memory.isPresent()) {
				// The extraction and the cache (3 times the jar) would be memory for the
				// master's life, counted toward a container's limit: the user did not
				// choose that.
				MasterLog.println(this.out,
						"AOT cache: off (" + directory + " is memory (" + memory.get() + "): set " + AotCacheSetting.KEY
								+ "=auto to keep the cache there, or point " + "java.io.tmpdir at a disk)");
				return;
			}
			// Read before the key, so that a jar replaced while it is hashed is seen as
			// changed at the next launch.
			JarIdentity identity = JarIdentity.of(jar);
			AotCacheStore opened = AotCacheStore.open(directory, jar, identity, AotCacheKey.forThisJvm(jar, options),
					java, workerOptions, helperTimeout(config.timeouts().boot()),
					(line) -> MasterLog.println(this.out, line), executor);
			this.store = opened;
			if (this.closed) {
				// Opened as the master began to stop: nothing runs, nothing is extracted.
				opened.close();
				return;
			}
			opened.extract();
		}
		catch (Exception ex) {
			MasterLog.println(this.out, "AOT cache: off (" + ex.getMessage() + "); workers start without it");
		}
		finally {
			this.reopening.set(false);
		}
	}

	/**
	 * Return how to start one worker.
	 * @param workerId the worker's id
	 * @return how to start it
	 */
	Start forWorker(int workerId) {
		return forWorker(workerId, List.of(), true);
	}

	/**
	 * Return how to start one worker with the {@code jvm-args} in force, which a reload
	 * may have changed since the setting was resolved at startup.
	 * @param workerId the worker's id
	 * @param jvmArgs the configured {@code jvm-args} of this launch
	 * @param allowed whether the worker may start with the cache: not when it retries a
	 * worker that the cache failed to boot
	 * @return how to start it
	 */
	Start forWorker(int workerId, List<String> jvmArgs, boolean allowed) {
		if (!this.kept) {
			return new Start(null, List.of(), null);
		}
		if (!allowed) {
			// The application's own try: the jar on disk, as with no cache.
			return new Start(null, List.of(), "none");
		}
		if (withJvmArgs(jvmArgs) instanceof AotCacheSetting.Off off) {
			// With -Xshare or SharedArchiveFile beside the cache's options the JVM exits.
			if (this.jvmArgsRefused.compareAndSet(false, true)) {
				MasterLog.println(this.out,
						"AOT cache: not given to the workers while their jvm-args say so: " + off.reason());
			}
			return new Start(null, List.of(), "none");
		}
		if (this.userFile != null) {
			return new Start(null, List.of("-XX:AOTCache=" + this.userFile, AotCacheUse.LOG_OPTION),
					WorkerProcess.AOT_CACHE_USED);
		}
		AotCacheStore current = this.store;
		Optional<WorkerStart> start = (current != null) ? current.forWorker(workerId) : Optional.empty();
		if (current != null && current.jarChanged()) {
			reopenForTheNewJar();
		}
		if (start.isEmpty()) {
			return new Start(null, List.of(), "none");
		}
		List<String> options = new ArrayList<>(start.get().jvmArgs());
		String use = options.stream().anyMatch((option) -> option.startsWith("-XX:AOTCache="))
				? WorkerProcess.AOT_CACHE_USED
				: options.contains("-XX:AOTMode=record") ? WorkerProcess.AOT_CACHE_RECORDING : "none";
		if (use.equals(WorkerProcess.AOT_CACHE_USED)) {
			// After the user's own options, which a worker's command puts first, so that
			// its JVM says whether it opened the cache whatever their -Xlog says.
			options.add(AotCacheUse.LOG_OPTION);
		}
		return new Start(start.get().jar(), List.copyOf(options), use, current);
	}

	/**
	 * The jar on disk is not the one the store was keyed for: workers run it from now on
	 * (as after a plain HUP), and a store for it is opened, its key read and its jar
	 * extracted off the loop, once.
	 */
	private void reopenForTheNewJar() {
		Runnable open = this.opener;
		if (open == null || this.closed || !this.reopening.compareAndSet(false, true)) {
			return;
		}
		MasterLog.println(this.out, "AOT cache: the application's jar changed on disk: workers start from it, "
				+ "and a cache is made for it");
		this.store = null;
		try {
			open.run();
		}
		catch (RuntimeException ex) {
			this.reopening.set(false);
			MasterLog.println(this.out, "AOT cache: off (" + ex.getMessage() + "); workers start without it");
		}
	}

	/**
	 * Return what reads a worker's lines for whether its JVM opened the cache it was
	 * given: one refused, or not said to be opened, is reported once. A refusal read
	 * after the worker's ready line said otherwise gets one line that says so: the
	 * store's, if it logs one, else its own.
	 * @param workerId the worker's id
	 * @param start how it was started
	 * @return the worker's use of the cache
	 */
	AotCacheUse use(int workerId, Start start) {
		AotCacheStore current = start.store();
		return new AotCacheUse(start.use(), (reason, readyLine) -> {
			@Nullable String late = (readyLine != null) ? "after the worker was ready with the cache " + readyLine : null;
			String why = (late != null) ? reason + "; read " + late : reason;
			boolean logged = (current != null) ? current.refused(workerId, why)
					: this.userFileRefused.compareAndSet(false, true);
			if (current == null && logged) {
				MasterLog.println(this.out, "AOT cache " + this.userFile + " refused by worker " + workerId + "'s JVM ("
						+ why + "): workers start without it");
			}
			if (late != null && !logged) {
				MasterLog.println(this.out, "AOT cache refused by worker " + workerId + "'s JVM " + late + " (" + reason
						+ "): it runs without it");
			}
		});
	}

	/**
	 * Return whether the cache waits for a worker to record it, and the next worker
	 * launched would be given the recording: not while the workers' {@code jvm-args} turn
	 * the cache off, nor while the extraction misses a jar, or the workers replaced for
	 * it would be replaced again without end. The {@code jvm-args} are those in force,
	 * not the last launch's: a reload abandoned after its first worker put the previous
	 * ones back.
	 * @param jvmArgs the configured {@code jvm-args} in force
	 * @return whether the next worker launched would record
	 */
	boolean wantsRecorder(List<String> jvmArgs) {
		AotCacheStore current = this.store;
		return current != null && !(withJvmArgs(jvmArgs) instanceof AotCacheSetting.Off) && current.wouldRecord();
	}

	/**
	 * The setting as {@code jvm-args} a reload may have changed leave it: off with a
	 * class data sharing option or an agent.
	 */
	private static AotCacheSetting withJvmArgs(List<String> jvmArgs) {
		return new AotCacheSetting.Auto(true).resolve(Runtime.version(), true, jvmArgs);
	}

	/**
	 * A worker became ready, on the master's loop.
	 * @param workerId the worker's id
	 * @param start how it was started
	 * @param use its use of the cache, as its lines read by now tell
	 */
	void ready(int workerId, Start start, @Nullable String use) {
		AotCacheStore given = start.store();
		// One whose JVM has not said it opened the cache booted without it,
		// as far as is known: it tells nothing of whether the cache fails
		// boots, so ends no row of them.
		if (given != null && !AotCacheUse.NOT_OPENED.equals(use)) {
			given.onWorkerReady(workerId);
		}
	}

	/**
	 * A worker was reaped: told to the store that gave it its start, if one did (a worker
	 * started without one is nothing to a store).
	 * @param workerId the worker's id
	 * @param start how it was started
	 * @param requestsServed the requests it served
	 * @param wasReady whether it was ever ready
	 * @param retiredByMaster whether the master had taken it out of service
	 */
	void exited(int workerId, Start start, long requestsServed, boolean wasReady, boolean retiredByMaster) {
		AotCacheStore given = start.store();
		if (given != null) {
			given.onWorkerExited(workerId, requestsServed, wasReady, retiredByMaster);
		}
	}

	/**
	 * The retry of a worker that failed to boot, started in its slot without the cache,
	 * booted or did not, on the master's loop: told to the store that gave the failed
	 * worker its start, whose failure it was, if the retry booted.
	 * @param workerId the id of the worker that failed to boot
	 * @param start how it was started
	 * @param booted whether the retry booted
	 */
	void retried(int workerId, Start start, boolean booted) {
		AotCacheStore given = start.store();
		if (given != null) {
			given.retried(workerId, booted);
		}
	}

	/**
	 * The master begins to stop: the store is closed (no creation starts, the helper JVM
	 * that runs is destroyed) and none is opened again.
	 */
	void close() {
		this.closed = true;
		AotCacheStore current = this.store;
		if (current != null) {
			current.close();
		}
	}

	/**
	 * A worker given a start was never started: the store's reservation is released.
	 * @param workerId the worker's id
	 * @param start how it was to start
	 */
	void launchFailed(int workerId, Start start) {
		AotCacheStore given = start.store();
		if (given != null) {
			given.launchFailed(workerId);
		}
	}

	/**
	 * How one worker starts.
	 *
	 * @param jar the jar to run instead of the application's, or {@code null}
	 * @param options JVM options to add
	 * @param use {@code used}, {@code recording} or {@code none}, or {@code null} if the
	 * master keeps no cache
	 * @param store the store that gave the start, or {@code null} if none did
	 */
	record Start(@Nullable Path jar, List<String> options, @Nullable String use, @Nullable AotCacheStore store) {

		Start(@Nullable Path jar, List<String> options, @Nullable String use) {
			this(jar, options, use, null);
		}

	}

	/**
	 * Return how long the extraction or the creation may take.
	 * @param bootTimeout the workers' boot timeout
	 * @return the longer of it and {@link #HELPER_TIMEOUT}
	 */
	static Duration helperTimeout(Duration bootTimeout) {
		return (bootTimeout.compareTo(HELPER_TIMEOUT) > 0) ? bootTimeout : HELPER_TIMEOUT;
	}

}
