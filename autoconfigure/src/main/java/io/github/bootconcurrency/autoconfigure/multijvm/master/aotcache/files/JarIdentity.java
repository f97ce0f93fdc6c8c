package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

import org.jspecify.annotations.Nullable;

/**
 * Which file a jar is, cheaply: its size, last modification and file key (device and
 * inode), read with one {@code stat}, so that the master's loop can tell at each launch
 * whether the jar on disk is still the one the cache was keyed for, without hashing it. A
 * deployment that renames a new jar over the old one changes the file key; one that
 * writes it in place changes the size or the time.
 *
 * @param size the size, or -1 if the jar could not be read
 * @param lastModified when it was last modified, or {@code null}
 * @param fileKey its file key, or {@code null}
 */
public record JarIdentity(long size, @Nullable FileTime lastModified, @Nullable Object fileKey) {

	/**
	 * Return the identity of the jar there now.
	 * @param jar the jar
	 * @return its identity, the same for every jar that cannot be read
	 */
	public static JarIdentity of(Path jar) {
		try {
			BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
			return new JarIdentity(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
		}
		catch (IOException | RuntimeException ex) {
			return new JarIdentity(-1, null, null);
		}
	}

}
