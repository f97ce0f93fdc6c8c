package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The file work of an {@code AotCacheStore}, apart from its phases: the key's private
 * directory, the application extracted into it, the recordings' names, and the creation
 * of the cache from one, each helper JVM run through {@link HelperJvms}; and its lock.
 *
 * <p>
 * Two masters of the same jar, JVM and options (blue/green, two instances on one host)
 * have the same key: the one that keeps it ({@link KeyLock}) extracts, records and
 * creates, the other only uses a cache that is there.
 */
public final class AotCacheDirectory {

	static final String CACHE = "app.aot";

	private final Path directory;

	private final Path jar;

	private final String java;

	private final List<String> createOptions;

	private final Duration timeout;

	private final HelperJvms commands;

	private final JarIdentity keyedJar;

	private boolean jarChanged;

	private final KeyLock lock;

	/** The jars the extracted jar's manifest puts on its class path, once read. */
	private volatile @Nullable List<Path> classPath;

	/** The cache another master keeps that a worker of this one refused. */
	private @Nullable JarIdentity refusedCache;

	private AotCacheDirectory(Path directory, Path jar, JarIdentity keyedJar, String java, List<String> jvmOptions,
			Duration timeout, BoundedCommand.Runner commands) {
		this.directory = directory;
		this.jar = jar;
		this.keyedJar = keyedJar;
		this.java = java;
		this.createOptions = AotCacheCreateCommand.options(jvmOptions);
		this.timeout = timeout;
		this.commands = new HelperJvms(commands);
		this.lock = new KeyLock(directory);
	}

	/**
	 * Return the directory the master keeps its caches under, created private if it is
	 * not there: one per user under the temporary directory, so that a master started
	 * again with the same jar, JVM and options finds the cache it made.
	 * @return the directory
	 * @throws IOException if it cannot be created, or the one there is not private
	 */
	public static Path defaultBase() throws IOException {
		return PrivateDirectory.createOrCheck(
				Path.of(System.getProperty("java.io.tmpdir"), "concurrency-aot-" + System.getProperty("user.name")));
	}

	/**
	 * Open the directory of a key, creating it private.
	 * @param base the directory the keys are kept under
	 * @param key the key's name, 32 hexadecimal digits
	 * @param jar the application's jar
	 * @param keyedJar the jar's identity, read before its key
	 * @param java the java binary the workers run
	 * @param jvmOptions the workers' JVM options
	 * @param timeout how long an extraction or a creation may take
	 * @param commands what runs the helper JVMs
	 * @return the directory
	 * @throws IOException if it cannot be created or is not private
	 */
	public static AotCacheDirectory open(Path base, String key, Path jar, JarIdentity keyedJar, String java,
			List<String> jvmOptions, Duration timeout, BoundedCommand.Runner commands) throws IOException {
		Path directory = PrivateDirectory.createOrCheck(base.resolve(key));
		// Its last use, which the removal of old keys goes by.
		Files.setLastModifiedTime(directory, FileTime.from(Instant.now()));
		return new AotCacheDirectory(directory, jar, keyedJar, java, jvmOptions, timeout, commands);
	}

	/**
	 * Extract the application into {@code app}, whole ({@link AotCacheExtraction}).
	 */
	public void extract() throws IOException {
		checkSpace();
		AotCacheExtraction.run(this.commands, this.java, this.jar, this.directory, this.timeout);
		// Read again: the extraction may have replaced one that missed a jar.
		this.classPath = null;
	}

	/**
	 * Create the cache from a recording, moved into place whole.
	 * @return the cache's size
	 */
	public long create(Path recording) throws IOException {
		checkSpace();
		return AotCacheCreateCommand.run(this.commands, (partial) -> createCommand(recording, partial), this.directory,
				this.timeout);
	}

	/**
	 * Check that the file system has room for what is written next: 3 times the jar, as
	 * the extraction takes about the jar's size and the cache about twice it (75 MB for
	 * the sample app's 42 MB jar), with some left for the rest of the host. On a tmpfs,
	 * or a container's emptyDir, the room is memory, or counts toward an eviction limit.
	 */
	private void checkSpace() throws IOException {
		long needed;
		long usable;
		try {
			needed = 3 * Files.size(this.jar);
			usable = Files.getFileStore(this.directory).getUsableSpace();
		}
		catch (IOException ex) {
			// A jar that cannot be read fails its extraction; an unknown file system
			// is not refused.
			return;
		}
		if (usable < needed) {
			throw new TooLittleSpace("too little space in " + this.directory + ": " + usable / (1024 * 1024)
					+ " MB usable, " + needed / (1024 * 1024) + " MB needed (3 times the jar)");
		}
	}

	/**
	 * The file system has no room for the extraction or the cache.
	 */
	public static final class TooLittleSpace extends IOException {

		TooLittleSpace(String message) {
			super(message);
		}

	}

	public List<String> createCommand(Path recording, Path cache) {
		return AotCacheCreateCommand.of(this.java, this.createOptions, recording, cache, jarToRun());
	}

	/**
	 * Whether the application is extracted, whole: the jar and every jar its manifest
	 * puts on its class path, which its JVM opens only when first needed, so that one a
	 * {@code /tmp} cleaner removed (systemd-tmpfiles ages files out) would fail a worker
	 * only on the request that needs it. No worker is given an extraction with one
	 * missing.
	 * @return whether a worker can run it
	 */
	public boolean extracted() {
		Path jar = jarToRun();
		if (!Files.isRegularFile(jar, LinkOption.NOFOLLOW_LINKS)) {
			return false;
		}
		List<Path> classPath = this.classPath;
		if (classPath == null) {
			// Read once: the same for the key's life.
			classPath = AotCacheExtraction.classPath(jar);
			this.classPath = classPath;
		}
		return classPath.stream().allMatch((library) -> Files.isRegularFile(library, LinkOption.NOFOLLOW_LINKS));
	}

	public boolean hasCache() {
		return PrivateDirectory.nonEmpty(cache());
	}

	/**
	 * A worker's JVM refused the cache: deleted by the master that holds the key, to be
	 * made again; the other's workers may map it, so another master only remembers the
	 * file, and gives it no more.
	 */
	public synchronized void refused(boolean owner) {
		if (owner) {
			PrivateDirectory.delete(cache());
		}
		else {
			this.refusedCache = JarIdentity.of(cache());
		}
	}

	/**
	 * The cache that another master, which holds the key, made: there, and not the file a
	 * worker of this master refused.
	 */
	public synchronized Optional<Path> cacheOfAnotherMaster() {
		boolean usable = extracted() && hasCache() && !JarIdentity.of(cache()).equals(this.refusedCache);
		return usable ? Optional.of(cache()) : Optional.empty();
	}

	/**
	 * Whether the jar on disk is no longer the one keyed, read now and, once seen, for
	 * good.
	 */
	public synchronized boolean checkJar() {
		this.jarChanged = this.jarChanged || !this.keyedJar.equals(JarIdentity.of(this.jar));
		return this.jarChanged;
	}

	public synchronized boolean jarChanged() {
		return this.jarChanged;
	}

	public Path cache() {
		return this.directory.resolve(CACHE);
	}

	/**
	 * The name of a worker's recording: the pid too, since every master's worker ids
	 * start at 1.
	 */
	public Path recording(int workerId) {
		return this.directory.resolve("recording-" + ProcessHandle.current().pid() + "-" + workerId + ".aotconf");
	}

	/**
	 * Keep the key ({@link KeyLock}), unless another master (or another store of this
	 * JVM) keeps it. Nothing else: the keeper's {@link #cleanUp} deletes whole trees, not
	 * to be done on the master's loop, where a take-over happens.
	 * @return whether this store keeps it
	 */
	public synchronized boolean tryLock() {
		return this.lock.tryKeep();
	}

	/**
	 * Delete what a master killed in the middle of its work left here, and the
	 * directories of old keys ({@link KeyCleanup}): by the key's keeper only, off the
	 * master's loop.
	 * @param lockedAt when this store took the lock: what this master wrote since (its
	 * recorder's recording, for one) is not stale
	 */
	public void cleanUp(Instant lockedAt) {
		KeyCleanup.deleteStale(this.directory, lockedAt);
		KeyCleanup.removeOldKeys(this.directory);
	}

	/**
	 * Lock a key directory whole, as the removal of an old key does.
	 * @param directory the key's directory
	 * @return the channel that holds the lock, or {@code null} if a master keeps or uses
	 * the key
	 */
	public static @Nullable FileChannel tryLock(Path directory) {
		return KeyLock.tryLock(directory);
	}

	/**
	 * Release a lock {@link #tryLock(Path)} took.
	 * @param channel the channel that holds the lock
	 */
	public static void unlock(FileChannel channel) {
		KeyLock.unlock(channel);
	}

	public Path jarToRun() {
		return this.directory.resolve("app").resolve(this.jar.getFileName());
	}

	public Path path() {
		return this.directory;
	}

	public boolean closed() {
		return this.commands.closed();
	}

	/**
	 * Stop the helper JVMs and keeping the key: another master may take it. The workers
	 * started from the directory may still run (draining, a recorder writing its
	 * recording): it stays in use, safe from another master's removal of old keys, until
	 * {@link #release()}.
	 */
	public synchronized void close() {
		this.commands.close();
		this.lock.stopKeeping();
	}

	/**
	 * Release the key's locks once no worker started from the directory runs.
	 */
	public synchronized void release() {
		this.lock.release();
	}

}
