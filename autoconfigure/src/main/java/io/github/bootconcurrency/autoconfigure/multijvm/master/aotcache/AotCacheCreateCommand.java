package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command of the JVM that creates the AOT cache from a recording
 * ({@code -XX:AOTMode=create}): the recording's class path, the jar as the workers run
 * it, and the options that shape what the cache maps.
 */
final class AotCacheCreateCommand {

	private AotCacheCreateCommand() {
	}

	/**
	 * Return the options of the workers' that the creation runs with.
	 * @param jvmOptions the workers' JVM options
	 * @return the options
	 */
	static List<String> options(List<String> jvmOptions) {
		// No -D: the command line shows in ps, and a system property may hold a secret.
		return jvmOptions.stream()
			.filter((option) -> option.startsWith("-XX:") || option.startsWith("-Xm") || option.startsWith("-Xss"))
			.toList();
	}

	static List<String> of(String java, List<String> options, Path recording, Path cache, Path jar) {
		List<String> command = new ArrayList<>(List.of(java));
		command.addAll(options);
		command.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + recording, "-XX:AOTCache=" + cache,
				"-cp", jar.toString()));
		return command;
	}

}
