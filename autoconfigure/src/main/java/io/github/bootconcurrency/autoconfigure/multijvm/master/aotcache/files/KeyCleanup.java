package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the keeper of a key deletes as it takes it: what a master killed in the middle of
 * its work left in the key's directory, and the directories of old keys. Whole trees, so
 * never on the master's loop.
 */
final class KeyCleanup {

	/** What a master writes under a name of its own, then renames or deletes. */
	private static final Pattern STALE = Pattern.compile("app\\.(extracting|old)-.*|"
			+ Pattern.quote(AotCacheDirectory.CACHE) + "\\.creating.*|recording-.*\\.aotconf|create-.*\\.args");

	static final int KEPT_OTHER_KEYS = 2;

	private static final Pattern KEY = Pattern.compile("[0-9a-f]{32}");

	private KeyCleanup() {
	}

	/**
	 * Remove the directories of other keys (another jar build, JDK or options), each an
	 * extracted application and a cache of tens to hundreds of MB that nothing else
	 * removes, all but the {@value #KEPT_OTHER_KEYS} last used: a rollback to the
	 * previous jar, or the other half of a blue/green pair, still finds its cache. A
	 * directory that a running master keeps, or whose workers run from it, is never
	 * removed: its whole lock file is taken for the removal ({@link KeyLock}).
	 */
	static void removeOldKeys(Path directory) {
		List<Path> others;
		try (Stream<Path> entries = Files.list(directory.getParent())) {
			others = entries
				.filter((entry) -> KEY.matcher(entry.getFileName().toString()).matches() && !entry.equals(directory)
						&& Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS))
				.sorted(Comparator.comparing(KeyCleanup::lastUse).reversed())
				.toList();
		}
		catch (IOException | RuntimeException ex) {
			return;
		}
		for (Path old : others.subList(Math.min(KEPT_OTHER_KEYS, others.size()), others.size())) {
			FileChannel held = KeyLock.tryLock(old);
			if (held != null) {
				PrivateDirectory.deleteTree(old);
				KeyLock.unlock(held);
			}
		}
	}

	/** When a key was last used: each master that opens it touches it. */
	private static FileTime lastUse(Path file) {
		try {
			return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
		}
		catch (IOException ex) {
			return FileTime.fromMillis(0);
		}
	}

	/**
	 * Delete what a master killed in the middle of its work left: its extraction, its
	 * cache being created, its recordings and argument files. Only by the key's keeper:
	 * the files of the master that keeps it are live; and only those from before it took
	 * the key: its own are live too.
	 */
	static void deleteStale(Path directory, Instant lockedAt) {
		try (Stream<Path> files = Files.list(directory)) {
			files
				.filter((file) -> STALE.matcher(file.getFileName().toString()).matches()
						&& lastUse(file).toInstant().isBefore(lockedAt))
				.forEach(PrivateDirectory::deleteTree);
		}
		catch (IOException | RuntimeException ex) {
			// Left for the next keeper.
		}
	}

}
