package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheStore;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerLauncher;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerProcess;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Worker;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.WorkerBalancer;

/**
 * Stand-ins for what the master's loop drives, so that its policy runs in milliseconds: a
 * clock that moves only when told, processes that exit only when told, a launcher that
 * can be made to fail, and a balancer that records which workers it would serve.
 */
public final class FakeWorkers {

	private FakeWorkers() {
	}

	static final class Clock implements InstantSource {

		private Instant now = Instant.parse("2026-11-27T00:00:00Z");

		@Override
		public Instant instant() {
			return this.now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

	}

	public static final class Process implements WorkerProcess {

		private final long pid;

		final int id;

		final List<String> signals = new CopyOnWriteArrayList<>();

		private final List<Runnable> onExit = new ArrayList<>();

		private volatile Integer exit;

		RuntimeException failOnTerminate;

		IOException failDump;

		boolean survivesKill;

		volatile String unreadOutput;

		/**
		 * What the launcher says of the worker's AOT cache, {@code null} for a master
		 * that keeps none.
		 */
		volatile String aotCache;

		/**
		 * Whether it started with the AOT cache store's jar and options.
		 */
		volatile boolean startedByAotCache;

		/**
		 * What the AOT cache becomes once the loop says the worker is ready, if not
		 * {@code null}.
		 */
		volatile String aotCacheOnceReady;

		/**
		 * The requests the loop said the worker served as it reaped it, {@code null}
		 * until then.
		 */
		volatile Long exitedAfterRequests;

		/**
		 * Whether the loop said the master retired the worker, as it reaped it.
		 */
		volatile Boolean exitedRetiredByMaster;

		/**
		 * What else hears of the worker's readiness and exit, as the AOT cache does.
		 */
		ProcessHooks hooks = ProcessHooks.NONE;

		public Process(long pid, int id) {
			this.pid = pid;
			this.id = id;
		}

		@Override
		public long pid() {
			return this.pid;
		}

		@Override
		public boolean isAlive() {
			return this.exit == null;
		}

		@Override
		public int exitValue() {
			if (this.exit == null) {
				throw new IllegalStateException("process " + this.pid + " has not exited");
			}
			return this.exit;
		}

		@Override
		public void onExit(Runnable callback) {
			this.onExit.add(callback);
		}

		@Override
		public void terminate() {
			if (this.failOnTerminate != null) {
				throw this.failOnTerminate;
			}
			this.signals.add("TERM");
		}

		@Override
		public void kill() {
			this.signals.add("KILL");
			if (!this.survivesKill) {
				exit(137);
			}
		}

		@Override
		public void dumpThreads() throws IOException {
			if (this.failDump != null) {
				throw this.failDump;
			}
			this.signals.add("QUIT");
		}

		@Override
		public Optional<String> unreadOutput() {
			return Optional.ofNullable(this.unreadOutput);
		}

		@Override
		public Optional<String> aotCache() {
			return Optional.ofNullable(this.aotCache);
		}

		@Override
		public boolean startedByAotCache() {
			return this.startedByAotCache;
		}

		@Override
		public void ready() {
			if (this.aotCacheOnceReady != null) {
				this.aotCache = this.aotCacheOnceReady;
			}
			this.hooks.ready(this.id);
		}

		@Override
		public void exited(long requestsServed, boolean wasReady, boolean retiredByMaster) {
			this.exitedAfterRequests = requestsServed;
			this.exitedRetiredByMaster = retiredByMaster;
			this.hooks.exited(this.id, requestsServed, wasReady, retiredByMaster);
		}

		@Override
		public void aotCacheAtFault() {
			this.hooks.aotCacheAtFault(this.id);
		}

		@Override
		public void aotCacheNotAtFault() {
			this.hooks.aotCacheNotAtFault(this.id);
		}

		void exit(int status) {
			if (this.exit == null) {
				this.exit = status;
				this.onExit.forEach(Runnable::run);
			}
		}

	}

	/**
	 * What else hears of a worker's readiness and exit: a real AOT cache store, for one.
	 */
	interface ProcessHooks {

		ProcessHooks NONE = new ProcessHooks() {
		};

		default void ready(int id) {
		}

		default void exited(int id, long requestsServed, boolean wasReady, boolean retiredByMaster) {
		}

		default void aotCacheAtFault(int id) {
		}

		default void aotCacheNotAtFault(int id) {
		}

	}

	static final class Launcher implements WorkerLauncher {

		/**
		 * Given to every process launched.
		 */
		ProcessHooks hooks = ProcessHooks.NONE;

		final List<Process> launched = new ArrayList<>();

		final List<MasterConfig> configs = new ArrayList<>();

		final List<Exception> failures = new ArrayList<>();

		/**
		 * Every call to {@link #launch}, failed or not.
		 */
		int attempts;

		private long nextPid = 1000;

		/**
		 * What each launched worker's AOT cache is, by id: {@code null} for none kept.
		 */
		java.util.function.IntFunction<String> aotCache = (id) -> null;

		/**
		 * Which launched workers start with the AOT cache store's jar and options, by id.
		 */
		java.util.function.IntPredicate startedByAotCache = (id) -> false;

		/**
		 * The ids of the workers the loop launched without the AOT cache.
		 */
		final List<Integer> withoutAotCache = new ArrayList<>();

		/**
		 * Whether the AOT cache waits for a worker to record it.
		 */
		volatile boolean wantsAotCacheRecorder;

		/**
		 * Whether workers of a configuration would record it, if the cache waits for a
		 * recorder: as a store whose workers' {@code jvm-args} may turn it off.
		 */
		volatile java.util.function.Predicate<MasterConfig> wouldRecordWith = (config) -> true;

		/**
		 * The configurations the loop asked whether a recorder is wanted with.
		 */
		final List<MasterConfig> askedForRecorder = new CopyOnWriteArrayList<>();

		/**
		 * Launch workers as the real launcher does with a store: the store's start when
		 * it gives one and the loop allows it, and the store told what the loop tells
		 * each process, its verdicts on the cache's boot failures also added to a list.
		 * @param store the store
		 * @param verdicts where {@code "<id> at fault"} and {@code "<id> not at fault"}
		 * go
		 */
		void startWith(AotCacheStore store, List<String> verdicts) {
			Set<Integer> given = ConcurrentHashMap.newKeySet();
			this.aotCache = (id) -> store.forWorker(id).map((start) -> given.add(id)).isPresent() ? "used" : "none";
			this.startedByAotCache = given::contains;
			this.hooks = new ProcessHooks() {

				@Override
				public void ready(int id) {
					store.onWorkerReady(id);
				}

				@Override
				public void exited(int id, long requestsServed, boolean wasReady, boolean retiredByMaster) {
					store.onWorkerExited(id, requestsServed, wasReady, retiredByMaster);
				}

				@Override
				public void aotCacheAtFault(int id) {
					verdicts.add(id + " at fault");
					store.retried(id, true);
				}

				@Override
				public void aotCacheNotAtFault(int id) {
					verdicts.add(id + " not at fault");
					store.retried(id, false);
				}

			};
		}

		volatile boolean stopping;

		@Override
		public void stopping() {
			this.stopping = true;
		}

		@Override
		public boolean wantsAotCacheRecorder(MasterConfig config) {
			this.askedForRecorder.add(config);
			return this.wantsAotCacheRecorder && this.wouldRecordWith.test(config);
		}

		@Override
		public WorkerProcess launch(int id, String token, MasterConfig config, boolean aotCache) throws IOException {
			this.attempts++;
			if (!this.failures.isEmpty()) {
				Exception failure = this.failures.remove(0);
				if (failure instanceof IOException io) {
					throw io;
				}
				throw (RuntimeException) failure;
			}
			Process process = new Process(this.nextPid++, id);
			// As JvmWorkerLauncher: a worker launched without the cache asks the store
			// for nothing, and gets none of a cache the master keeps.
			String cache = aotCache ? this.aotCache.apply(id) : "none";
			process.aotCache = cache;
			process.startedByAotCache = aotCache && this.startedByAotCache.test(id);
			if (!aotCache) {
				this.withoutAotCache.add(id);
			}
			process.hooks = this.hooks;
			this.launched.add(process);
			this.configs.add(config);
			return process;
		}

		Process last() {
			return this.launched.get(this.launched.size() - 1);
		}

		List<Process> alive() {
			return this.launched.stream().filter(Process::isAlive).toList();
		}

	}

	static final class Balancer implements WorkerBalancer {

		final Set<Integer> serving = new LinkedHashSet<>();

		final List<Integer> added = new ArrayList<>();

		final List<Integer> configuredCapacities = new ArrayList<>();

		RuntimeException failOnAdd;

		boolean accepting = true;

		boolean stopped;

		@Override
		public void start() {
		}

		/**
		 * The port a balancer on {@code server.port=0} could have been given.
		 */
		@Override
		public int port() {
			return 40_123;
		}

		@Override
		public void add(Worker worker) {
			if (this.failOnAdd != null) {
				throw this.failOnAdd;
			}
			this.serving.add(worker.id());
			this.added.add(worker.id());
		}

		@Override
		public void remove(Worker worker) {
			this.serving.remove(worker.id());
		}

		@Override
		public void configure(MasterConfig config) {
			this.configuredCapacities.add(config.workerCapacity());
		}

		@Override
		public void stopAccepting() {
			this.accepting = false;
		}

		@Override
		public void stop() {
			this.stopped = true;
		}

	}

}
