package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

import java.nio.file.Path;
import java.util.List;

/**
 * How to start one worker.
 *
 * @param jar the jar to run instead of the application's
 * @param jvmArgs options to add to its JVM options
 */
public record WorkerStart(Path jar, List<String> jvmArgs) {

	public WorkerStart {
		jvmArgs = List.copyOf(jvmArgs);
	}

}
