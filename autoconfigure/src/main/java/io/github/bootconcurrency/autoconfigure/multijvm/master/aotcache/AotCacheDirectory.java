package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The file work of an {@link AotCacheStore}, apart from its phases: the key's private
 * directory, the application extracted into it, the recordings' names, and the creation
 * of the cache from one, each helper JVM run through {@link HelperJvms}.
 */
final class AotCacheDirectory {

	static final String CACHE = "app.aot";

	private final Path directory;

	private final Path jar;

	private final String java;

	private final List<String> createOptions;

	private final Duration timeout;

	private final HelperJvms commands;

	private AotCacheDirectory(Path directory, Path jar, String java, List<String> jvmOptions, Duration timeout,
			BoundedCommand.Runner commands) {
		this.directory = directory;
		this.jar = jar;
		this.java = java;
		this.createOptions = AotCacheCreateCommand.options(jvmOptions);
		this.timeout = timeout;
		this.commands = new HelperJvms(commands);
	}

	/**
	 * Open the directory of a key, creating it private.
	 */
	static AotCacheDirectory open(Path base, AotCacheKey key, Path jar, String java, List<String> jvmOptions,
			Duration timeout, BoundedCommand.Runner commands) throws IOException {
		Path directory = PrivateDirectory.createOrCheck(base.resolve(key.value()));
		return new AotCacheDirectory(directory, jar, java, jvmOptions, timeout, commands);
	}

	/**
	 * Extract the application into {@code app}, whole ({@link AotCacheExtraction}).
	 */
	void extract() throws IOException {
		AotCacheExtraction.run(this.commands, this.java, this.jar, this.directory, this.timeout);
	}

	/**
	 * Create the cache from a recording, moved into place whole.
	 * @return the cache's size
	 */
	long create(Path recording) throws IOException {
		return AotCacheCreateCommand.run(this.commands, (partial) -> createCommand(recording, partial), this.directory,
				this.timeout);
	}

	List<String> createCommand(Path recording, Path cache) {
		return AotCacheCreateCommand.of(this.java, this.createOptions, recording, cache, jarToRun());
	}

	boolean extracted() {
		return Files.isRegularFile(jarToRun(), LinkOption.NOFOLLOW_LINKS);
	}

	boolean hasCache() {
		return PrivateDirectory.nonEmpty(cache());
	}

	void deleteCache() {
		PrivateDirectory.delete(cache());
	}

	Path cache() {
		return this.directory.resolve(CACHE);
	}

	Path recording(int workerId) {
		return this.directory.resolve("recording-" + workerId + ".aotconf");
	}

	Path jarToRun() {
		return this.directory.resolve("app").resolve(this.jar.getFileName());
	}

	Path jar() {
		return this.jar;
	}

	Path path() {
		return this.directory;
	}

	boolean closed() {
		return this.commands.closed();
	}

	void close() {
		this.commands.close();
	}

}
