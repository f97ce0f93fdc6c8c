package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a directory's files are memory: a {@code tmpfs} (the {@code /tmp} of Fedora and
 * Arch, many containers, a Kubernetes {@code emptyDir} of medium {@code Memory}) or a
 * {@code ramfs}. Its free space is half the RAM, so a space check passes, and what is
 * written there stays charged to the master's memory (a container's memory cgroup) for as
 * long as it is kept.
 */
final class InMemoryFileSystem {

	private static final Set<String> TYPES = Set.of("tmpfs", "ramfs");

	private InMemoryFileSystem() {
	}

	/**
	 * Return the type of the file system the directory is on, or would be created on, if
	 * its files are memory.
	 * @param directory the directory, which need not exist yet
	 * @return {@code tmpfs} or {@code ramfs}, or empty if on another file system or if it
	 * cannot be told (then nothing is refused)
	 */
	static Optional<String> type(Path directory) {
		Path existing = directory.toAbsolutePath();
		while (existing != null && !Files.exists(existing)) {
			existing = existing.getParent();
		}
		if (existing == null) {
			return Optional.empty();
		}
		try {
			String type = Files.getFileStore(existing).type();
			return TYPES.contains(type) ? Optional.of(type) : Optional.empty();
		}
		catch (IOException | SecurityException ex) {
			return Optional.empty();
		}
	}

}
