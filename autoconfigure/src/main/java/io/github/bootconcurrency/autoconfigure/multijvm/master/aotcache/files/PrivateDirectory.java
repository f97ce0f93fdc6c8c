package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A directory only the master's user can enter, as the master's argument files have
 * ({@code WorkerArgumentFiles}): the cache and the extracted application in it are code
 * every later worker runs, so a directory that another user could write to, or a link
 * that points elsewhere, is refused, never used.
 */
public final class PrivateDirectory {

	private static final Set<PosixFilePermission> OWNER = PosixFilePermissions.fromString("rwx------");

	private static final FileAttribute<Set<PosixFilePermission>> PRIVATE = PosixFilePermissions.asFileAttribute(OWNER);

	private static final int STICKY = 01000;

	private PrivateDirectory() {
	}

	/**
	 * Create a private directory, or check that the one there is private.
	 * @param directory the directory, whose parent exists
	 * @return the directory
	 * @throws IOException if it cannot be created, or what is there is not the master's
	 * user's private directory
	 */
	public static Path createOrCheck(Path directory) throws IOException {
		try {
			// Not createDirectories: a name taken meanwhile must fail, then be checked.
			Files.createDirectory(directory, PRIVATE);
		}
		catch (FileAlreadyExistsException ex) {
			// Checked below, like any directory found in its place.
		}
		check(directory);
		return directory;
	}

	/**
	 * Check that a directory is private to this process's user.
	 * @param directory the directory
	 * @throws IOException if it is not, or is no directory
	 */
	static void check(Path directory) throws IOException {
		UserPrincipal user = currentUser(directory.toAbsolutePath().getParent());
		checkParent(directory, user);
		PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class,
				LinkOption.NOFOLLOW_LINKS);
		if (attributes.isSymbolicLink() || !attributes.isDirectory()) {
			throw new IOException(directory + " is a link or a file, not a directory of the master's own: "
					+ "the AOT cache is not kept there");
		}
		if (!attributes.owner().equals(user)) {
			throw new IOException(directory + " belongs to " + attributes.owner().getName()
					+ ", not to the master's user: the AOT cache is not kept there");
		}
		if (!OWNER.containsAll(attributes.permissions())) {
			throw new IOException(
					directory + " has permissions " + PosixFilePermissions.toString(attributes.permissions())
							+ ", wider than rwx------: another user could change the code the workers run; "
							+ "the AOT cache is not kept there");
		}
	}

	/**
	 * Check that no other user can rename the directory away and put a link in its place
	 * once it is checked: its parent belongs to root or to this process's user (its owner
	 * may rename anything in it), and is writable by its owner alone, or sticky (as
	 * {@code /tmp}, where only a file's owner may rename it).
	 */
	private static void checkParent(Path directory, UserPrincipal user) throws IOException {
		Path parent = directory.toAbsolutePath().getParent();
		UserPrincipal owner = Files.getOwner(parent);
		if (!owner.equals(user) && !Integer.valueOf(0).equals(Files.getAttribute(parent, "unix:uid"))) {
			throw new IOException(parent + " belongs to " + owner.getName() + ", neither root nor the master's user, "
					+ "who could put a link in place of " + directory.getFileName() + " once it is checked; "
					+ "the AOT cache is not kept there");
		}
		Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(parent);
		if (!permissions.contains(PosixFilePermission.GROUP_WRITE)
				&& !permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
			return;
		}
		int mode = (Integer) Files.getAttribute(parent, "unix:mode");
		if ((mode & STICKY) == 0) {
			throw new IOException(parent + " can be written to by other users and is not sticky: one of them could "
					+ "put a link in place of " + directory.getFileName() + " once it is checked; "
					+ "the AOT cache is not kept there");
		}
	}

	/**
	 * The owner of what this process creates: a user name from {@code user.name} may not
	 * be the process's (a container's user without a name).
	 */
	private static UserPrincipal currentUser(Path parent) throws IOException {
		Path probe = Files.createTempFile(parent, ".owner-", "");
		try {
			return Files.getOwner(probe, LinkOption.NOFOLLOW_LINKS);
		}
		finally {
			Files.deleteIfExists(probe);
		}
	}

	public static boolean nonEmpty(Path file) {
		try {
			return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) > 0;
		}
		catch (IOException ex) {
			return false;
		}
	}

	public static void delete(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// Left for the master's runtime directory's removal.
		}
	}

	static void deleteTree(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach(PrivateDirectory::delete);
		}
		catch (IOException ex) {
			// Not there.
		}
	}

}
