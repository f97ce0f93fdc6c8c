package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.io.IOException;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;

/**
 * Starts worker processes for the master's loop.
 */
public interface WorkerLauncher {

	/**
	 * Start a worker. It must return quickly: it runs on the master's loop.
	 * @param id the worker's id
	 * @param token the secret the worker proves itself with on the control channel
	 * @param config the configuration the worker runs
	 * @param aotCache whether the worker may start with the workers' AOT cache: not when
	 * it retries a worker that the cache failed to boot
	 * @return the worker's process
	 * @throws IOException if the process cannot be started
	 */
	WorkerProcess launch(int id, String token, MasterConfig config, boolean aotCache) throws IOException;

	/**
	 * Return what the user should know about how workers of this configuration are
	 * launched, such as options that are left out.
	 * @param config the configuration
	 * @return warnings, one a line, or none
	 */
	default List<String> warnings(MasterConfig config) {
		return List.of();
	}

	/**
	 * The master begins to stop: nothing of the workers' AOT cache starts from now on.
	 */
	default void stopping() {
	}

	/**
	 * Return whether the workers' AOT cache waits for a worker to record it: the workers
	 * that run were all launched before it could be recorded. Asked with the
	 * configuration in force, not that of the last launch: after an abandoned reload that
	 * is the previous one again, whose workers may record where the reload's would not.
	 * @param config the configuration in force, which the next worker is launched with
	 * @return whether a worker launched now would record
	 */
	default boolean wantsAotCacheRecorder(MasterConfig config) {
		return false;
	}

}
