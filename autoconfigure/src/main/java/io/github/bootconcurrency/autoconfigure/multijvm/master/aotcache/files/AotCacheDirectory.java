package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * The file work of an {@code AotCacheStore}, apart from its phases: the key's private
 * directory, the application extracted into it, the recordings' names, and the creation
 * of the cache from one, each helper JVM run through {@link HelperJvms}; and its lock.
 *
 * <p>
 * Two masters of the same jar, JVM and options (blue/green, two instances on one host)
 * have the same key: the one that holds {@code .lock} extracts, records and creates, the
 * other only uses a cache that is there. A {@link FileLock} is the process's, and closing
 * any channel of the file releases it on Linux: {@link #HELD} keeps a second store of
 * this JVM from opening the file at all.
 */
public final class AotCacheDirectory {

	static final String CACHE = "app.aot";

	static final String LOCK = ".lock";

	/** What a master writes under a name of its own, then renames or deletes. */
	private static final Pattern STALE = Pattern.compile(
			"app\\.extracting-.*|" + Pattern.quote(CACHE) + "\\.creating.*|recording-.*\\.aotconf|create-.*\\.args");

	static final int KEPT_OTHER_KEYS = 2;

	private static final Pattern KEY = Pattern.compile("[0-9a-f]{32}");

	/** The locks this JVM holds, or is taking, by file. */
	private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

	private final Path directory;

	private final Path jar;

	private final String java;

	private final List<String> createOptions;

	private final Duration timeout;

	private final HelperJvms commands;

	private final JarIdentity keyedJar;

	private boolean jarChanged;

	private @Nullable FileChannel lock;

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

	public boolean extracted() {
		return Files.isRegularFile(jarToRun(), LinkOption.NOFOLLOW_LINKS);
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
	 * Take the key's lock, unless another master (or another store of this JVM) holds it.
	 * Nothing else: the holder's {@link #cleanUp} deletes whole trees, not to be done on
	 * the master's loop, where a take-over happens.
	 * @return whether this store holds it
	 */
	public synchronized boolean tryLock() {
		if (this.lock != null) {
			return true;
		}
		FileChannel channel = tryLock(this.directory);
		if (channel == null) {
			return false;
		}
		this.lock = channel;
		return true;
	}

	/**
	 * Delete what a master killed in the middle of its work left here, and the
	 * directories of old keys: by the lock's holder only, off the master's loop.
	 * @param lockedAt when this store took the lock: what this master wrote since (its
	 * recorder's recording, for one) is not stale
	 */
	public void cleanUp(Instant lockedAt) {
		deleteStale(lockedAt);
		removeOldKeys();
	}

	/**
	 * Remove the directories of other keys (another jar build, JDK or options), each an
	 * extracted application and a cache of tens to hundreds of MB that nothing else
	 * removes, all but the {@value #KEPT_OTHER_KEYS} last used: a rollback to the
	 * previous jar, or the other half of a blue/green pair, still finds its cache. A
	 * directory that a running master holds locked is never removed; this one's lock is
	 * taken for the removal.
	 */
	private void removeOldKeys() {
		List<Path> others;
		try (Stream<Path> entries = Files.list(this.directory.getParent())) {
			others = entries
				.filter((entry) -> KEY.matcher(entry.getFileName().toString()).matches()
						&& !entry.equals(this.directory) && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS))
				.sorted(Comparator.comparing(AotCacheDirectory::lastUse).reversed())
				.toList();
		}
		catch (IOException | RuntimeException ex) {
			return;
		}
		for (Path old : others.subList(Math.min(KEPT_OTHER_KEYS, others.size()), others.size())) {
			FileChannel held = tryLock(old);
			if (held != null) {
				PrivateDirectory.deleteTree(old);
				unlock(old, held);
			}
		}
	}

	/** When a key was last used: each master that opens it touches it. */
	private static FileTime lastUse(Path directory) {
		try {
			return Files.getLastModifiedTime(directory, LinkOption.NOFOLLOW_LINKS);
		}
		catch (IOException ex) {
			return FileTime.fromMillis(0);
		}
	}

	/**
	 * Delete what a master killed in the middle of its work left: its extraction, its
	 * cache being created, its recordings and argument files. Only by the lock's holder:
	 * the files of the master that holds it are live.
	 */
	private void deleteStale(Instant lockedAt) {
		try (Stream<Path> files = Files.list(this.directory)) {
			files.filter((file) -> STALE.matcher(file.getFileName().toString()).matches()
					&& lastUse(file).toInstant().isBefore(lockedAt))
				.forEach(PrivateDirectory::deleteTree);
		}
		catch (IOException | RuntimeException ex) {
			// Left for the next holder.
		}
	}

	/**
	 * Lock a key directory: the channel that holds its lock, or {@code null} if another
	 * holds it or it cannot be locked.
	 */
	public static @Nullable FileChannel tryLock(Path directory) {
		Path file = directory.resolve(LOCK).toAbsolutePath().normalize();
		if (!HELD.add(file)) {
			return null;
		}
		FileChannel channel = null;
		try {
			channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
					LinkOption.NOFOLLOW_LINKS);
			if (channel.tryLock() != null) {
				return channel;
			}
		}
		catch (IOException | RuntimeException ex) {
			// Not this master's: as if another held it.
		}
		release(file, channel);
		return null;
	}

	private static void release(Path file, @Nullable FileChannel channel) {
		try {
			if (channel != null) {
				channel.close();
			}
		}
		catch (IOException ex) {
			// Released as the process ends.
		}
		finally {
			HELD.remove(file);
		}
	}

	public static void unlock(Path directory, FileChannel channel) {
		release(directory.resolve(LOCK).toAbsolutePath().normalize(), channel);
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
	 * Stop the helper JVMs and release the lock: another master may take the key.
	 */
	public synchronized void close() {
		this.commands.close();
		if (this.lock != null) {
			unlock(this.directory, this.lock);
			this.lock = null;
		}
	}

}
