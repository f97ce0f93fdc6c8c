package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The locks of a key's directory, on its {@code .lock} file, two bytes of it: the
 * exclusive lock of the first makes its holder the key's keeper (it extracts, records,
 * creates and cleans up); a shared lock of the second says that a master's workers run
 * from the directory (the keeper's and those of another master that uses its cache). The
 * removal of an old key takes the whole file exclusively ({@link #tryLock(Path)}), which
 * fails while any master keeps the key or has a worker running from it.
 *
 * <p>
 * A {@link FileLock} is the process's, and closing any channel of the file releases it on
 * Linux: {@link #HELD} keeps a second channel of this JVM from opening the file at all.
 * Guarded by the directory's lock.
 */
final class KeyLock {

	static final String LOCK = ".lock";

	private static final long KEEPER = 0;

	private static final long IN_USE = 1;

	/**
	 * The lock files this JVM has open, by real path: a key reached through a link (a
	 * linked {@code java.io.tmpdir}) is the same file.
	 */
	private static final Map<Path, Object> HELD = new ConcurrentHashMap<>();

	private final Path directory;

	private @Nullable FileChannel channel;

	private @Nullable FileLock keeper;

	private @Nullable FileLock inUse;

	private boolean released;

	KeyLock(Path directory) {
		this.directory = directory;
	}

	/**
	 * Keep the key, unless another master (or another store of this JVM) keeps it; the
	 * first call also says that this master's workers run from the directory, until
	 * {@link #release()}.
	 * @return whether this master keeps the key
	 */
	boolean tryKeep() {
		if (this.keeper != null) {
			return true;
		}
		if (this.channel == null) {
			if (this.released) {
				return false;
			}
			this.channel = open(this.directory);
			if (this.channel == null) {
				return false;
			}
		}
		if (this.inUse == null) {
			// Null while a master of an earlier version locks the whole file: that lock
			// keeps the key from removal meanwhile.
			this.inUse = tryLock(this.channel, IN_USE, true);
		}
		this.keeper = tryLock(this.channel, KEEPER, false);
		return this.keeper != null;
	}

	/**
	 * Stop keeping the key, another master may take it; the directory stays in use.
	 */
	void stopKeeping() {
		FileLock held = this.keeper;
		this.keeper = null;
		try {
			if (held != null) {
				held.release();
			}
		}
		catch (IOException ex) {
			// Released as the channel closes.
		}
	}

	/**
	 * Release every lock: no worker of this master runs from the directory any more.
	 */
	void release() {
		this.keeper = null;
		this.inUse = null;
		this.released = true;
		FileChannel held = this.channel;
		this.channel = null;
		if (held != null) {
			release(held);
		}
	}

	private static @Nullable FileLock tryLock(FileChannel channel, long position, boolean shared) {
		try {
			return channel.tryLock(position, 1, shared);
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * Lock a key directory's whole lock file, as the removal of an old key does: the
	 * channel that holds the lock, or {@code null} if any master keeps or uses the key,
	 * or it cannot be locked.
	 * @param directory the key's directory
	 * @return the channel, to {@link #unlock}
	 */
	static @Nullable FileChannel tryLock(Path directory) {
		FileChannel channel = open(directory);
		if (channel == null) {
			return null;
		}
		try {
			if (channel.tryLock() != null) {
				return channel;
			}
		}
		catch (IOException | RuntimeException ex) {
			// Not this master's: as if another held it.
		}
		release(channel);
		return null;
	}

	/**
	 * Open a key's lock file, unless this JVM has it open: readable too, as a shared lock
	 * takes.
	 */
	private static @Nullable FileChannel open(Path directory) {
		Path file;
		try {
			file = directory.toRealPath().resolve(LOCK);
		}
		catch (IOException ex) {
			return null;
		}
		Object opening = new Object();
		if (HELD.putIfAbsent(file, opening) != null) {
			return null;
		}
		try {
			FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
					StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
			HELD.put(file, channel);
			return channel;
		}
		catch (IOException | RuntimeException ex) {
			HELD.remove(file);
			return null;
		}
	}

	static void unlock(FileChannel channel) {
		release(channel);
	}

	/**
	 * Close a channel, which releases its locks, and forget its file: by the channel, as
	 * the directory may be gone (an old key removed) or reached another way.
	 */
	private static void release(FileChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// Released as the process ends.
		}
		finally {
			HELD.values().remove(channel);
		}
	}

}
