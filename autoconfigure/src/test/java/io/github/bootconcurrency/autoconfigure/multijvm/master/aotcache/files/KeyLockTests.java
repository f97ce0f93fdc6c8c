package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests for {@link KeyLock} on the real file system, the process's locks read from the
 * kernel ({@code /proc/locks}): closing any channel of a file drops every lock this
 * process holds on it, so a key reached another way (through a link) must not be opened a
 * second time.
 */
class KeyLockTests {

	private static final String KEY = "0123456789abcdef0123456789abcdef";

	@TempDir
	Path base;

	@Test
	void aKeyReachedThroughALinkIsTheSameLockAndOpeningItAgainDropsNothing() throws IOException {
		assumeThat(Path.of("/proc/locks")).as("Linux").exists();
		Path real = Files.createDirectory(this.base.resolve("real"));
		Path link = Files.createSymbolicLink(this.base.resolve("link"), real);
		Path key = Files.createDirectory(real.resolve(KEY));
		KeyLock keeper = new KeyLock(key);
		assertThat(keeper.tryKeep()).isTrue();
		long inode = (Long) Files.getAttribute(key.resolve(KeyLock.LOCK), "unix:ino");
		assertThat(locksOn(inode)).as("keeps it, and uses it").hasSize(2);
		KeyLock another = new KeyLock(link.resolve(KEY));
		assertThat(another.tryKeep()).isFalse();
		another.release();
		FileChannel removal = KeyLock.tryLock(link.resolve(KEY));
		assertThat(removal).as("as an old key's removal tries").isNull();
		assertThat(locksOn(inode)).as("still held").hasSize(2);
		keeper.release();
		assertThat(locksOn(inode)).isEmpty();
		FileChannel whole = KeyLock.tryLock(link.resolve(KEY));
		assertThat(whole).isNotNull();
		KeyLock.unlock(whole);
	}

	/**
	 * The POSIX locks this process holds on a file, as the kernel lists them: {@code id:
	 * POSIX ADVISORY WRITE pid major:minor:inode start end}.
	 */
	private static List<String> locksOn(long inode) throws IOException {
		String pid = Long.toString(ProcessHandle.current().pid());
		return Files.readAllLines(Path.of("/proc/locks")).stream().filter((line) -> {
			String[] fields = line.trim().split("\\s+");
			return fields.length >= 8 && !line.contains("->") && fields[1].equals("POSIX") && fields[4].equals(pid)
					&& fields[5].endsWith(":" + inode);
		}).toList();
	}

}
