package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.io.IOException;
import java.util.Optional;

/**
 * A worker's operating-system process, as the master's loop drives it. Every method
 * returns at once except {@link #dumpThreads()}, which the loop runs off its thread.
 */
public interface WorkerProcess {

	long pid();

	boolean isAlive();

	/**
	 * Return the exit status of a process that has exited.
	 * @return the exit status
	 */
	int exitValue();

	/**
	 * Run a callback once the process has exited, on whichever thread sees it exit.
	 * @param callback the callback, which must only queue an event
	 */
	void onExit(Runnable callback);

	/**
	 * Ask the process to stop gracefully (SIGTERM).
	 */
	void terminate();

	/**
	 * Stop the process at once (SIGKILL).
	 */
	void kill();

	/**
	 * Make the JVM print every thread's stack to its output (SIGQUIT).
	 * @throws IOException if the signal cannot be sent
	 */
	void dumpThreads() throws IOException;

	/**
	 * Return why the process's output can no longer be read, if it cannot: the process
	 * then runs on with every write failing, and is to be replaced.
	 * @return the reason, or empty while its output is read
	 */
	default Optional<String> unreadOutput() {
		return Optional.empty();
	}

	/**
	 * Return what the worker started with of the master's AOT cache
	 * ({@code concurrency.multi-jvm.aot-cache}), for its ready line, the cluster view and
	 * the recorder's replacement: {@value #AOT_CACHE_USED},
	 * {@value #AOT_CACHE_RECORDING}, {@code none}, {@code refused} once the worker's JVM
	 * refused the cache it was given, or {@code not opened} if it did not say it opened
	 * it before it was ready. It may change after {@link #ready()}: a refusal its JVM
	 * printed before the application started but read after the ready heartbeat makes it
	 * {@code refused}.
	 * @return the use, or empty if the master keeps no cache
	 */
	default Optional<String> aotCache() {
		return Optional.empty();
	}

	/**
	 * Return whether the worker started with the AOT cache store's jar and options (it
	 * records the cache or starts with it): if it fails to boot, the next worker in its
	 * slot starts without them, and the store counts the failure toward turning the cache
	 * off only if that one boots ({@link #aotCacheAtFault()}); the master's boot failures
	 * do not count it.
	 * @return whether it started with the store's jar and options
	 */
	default boolean startedByAotCache() {
		return false;
	}

	/**
	 * The worker became ready, on the master's loop: what it made of the AOT cache is
	 * decided by now ({@link #aotCache()}).
	 */
	default void ready() {
	}

	/**
	 * The master's loop reaped the process.
	 * @param requestsServed the requests it served, as its last heartbeat said
	 * @param wasReady whether it was ever ready
	 * @param retiredByMaster whether the master had taken it out of service (a
	 * scale-down, a replacement, a reload, its own stop), not killed it for failing its
	 * boot: a worker stopped as it booted did not fail to boot
	 */
	default void exited(long requestsServed, boolean wasReady, boolean retiredByMaster) {
	}

	/**
	 * This worker, started with the AOT cache store's jar and options, failed to boot,
	 * and the worker started after it in its slot without them booted: the cache is the
	 * likely culprit, and the store counts the failure. On the master's loop: must not
	 * wait on I/O.
	 */
	default void aotCacheAtFault() {
	}

	/**
	 * This worker, started with the AOT cache store's jar and options, failed to boot,
	 * and the worker started after it in its slot without them failed too, or none will
	 * be started there (the slot is no longer wanted): the cache is not known to have
	 * failed it, and the store drops the failure uncounted. On the master's loop: must
	 * not wait on I/O.
	 */
	default void aotCacheNotAtFault() {
	}

	/**
	 * The worker started with the cache.
	 */
	String AOT_CACHE_USED = "used";

	/**
	 * The worker records the cache, written as it exits.
	 */
	String AOT_CACHE_RECORDING = "recording";

}
