package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The application extracted for the AOT cache (Spring Boot's
 * {@code -Djarmode=tools extract}): into a directory of its own first, named for this
 * master and this moment, then renamed to {@code app}, so that no worker ever runs half
 * an extraction.
 */
final class AotCacheExtraction {

	/**
	 * The start of the name an incomplete extraction is renamed to as a new one replaces
	 * it.
	 */
	static final String OLD_APP_PREFIX = "app.old-";

	private AotCacheExtraction() {
	}

	/**
	 * Extract a jar into {@code directory/app}.
	 * @param commands what runs the extraction's JVM
	 * @param java the java binary
	 * @param jar the application's jar
	 * @param directory the store's directory
	 * @param timeout how long the extraction may take
	 * @throws IOException if it failed; nothing of it is left
	 */
	static void run(BoundedCommand.Runner commands, String java, Path jar, Path directory, Duration timeout)
			throws IOException {
		Path partial = directory.resolve("app.extracting-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
		try {
			List<String> command = new ArrayList<>(List.of(java));
			command.addAll(HelperJvms.OPTIONS);
			command.addAll(
					List.of("-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination", partial.toString()));
			BoundedCommand.Result result = commands.run(command, timeout);
			if (result.exitCode() != 0 || !Files.isRegularFile(partial.resolve(jar.getFileName()))) {
				throw new IOException("the extraction ended with status " + result.exitCode() + ":\n" + result.tail());
			}
			move(partial, directory.resolve("app"), jar.getFileName());
		}
		catch (IOException | RuntimeException ex) {
			PrivateDirectory.deleteTree(partial);
			throw ex;
		}
	}

	/**
	 * Return the jars an extracted jar's manifest puts on its class path
	 * ({@code Class-Path: lib/…}, relative to it), or none if it cannot be read.
	 * @param jar the extracted jar
	 * @return the jars
	 */
	static List<Path> classPath(Path jar) {
		try (JarFile file = new JarFile(jar.toFile())) {
			Manifest manifest = file.getManifest();
			String classPath = (manifest != null) ? manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH)
					: null;
			if (classPath == null || classPath.isBlank()) {
				return List.of();
			}
			Path parent = jar.toAbsolutePath().getParent();
			// URLs, relative: a space in a name is %20.
			return Arrays.stream(classPath.trim().split("\\s+"))
				.map((entry) -> parent.resolve(URI.create(entry).getPath()))
				.toList();
		}
		catch (IOException | RuntimeException ex) {
			return List.of();
		}
	}

	private static void move(Path partial, Path app, Path jarName) throws IOException {
		try {
			Files.move(partial, app, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			if (!Files.isDirectory(app, LinkOption.NOFOLLOW_LINKS)) {
				throw ex;
			}
			if (whole(app.resolve(jarName))) {
				// Onto an app/ there already (ENOTEMPTY): the extraction of
				// another master of the same key, so of the same jar, there
				// first.
				PrivateDirectory.deleteTree(partial);
				return;
			}
			// One a /tmp cleaner took a jar from: kept, no worker would ever be given it
			// again. Renamed rather than deleted, as workers may still run from it; the
			// next keeper's cleanup deletes it (KeyCleanup). Only the keeper extracts.
			Files.move(app,
					app.resolveSibling(OLD_APP_PREFIX + ProcessHandle.current().pid() + "-" + System.nanoTime()),
					StandardCopyOption.ATOMIC_MOVE);
			Files.move(partial, app, StandardCopyOption.ATOMIC_MOVE);
		}
	}

	/**
	 * Return whether an extracted jar and every jar on its class path are there.
	 * @param jar the extracted jar
	 * @return whether they are
	 */
	static boolean whole(Path jar) {
		return Files.isRegularFile(jar, LinkOption.NOFOLLOW_LINKS) && classPath(jar).stream()
			.allMatch((library) -> Files.isRegularFile(library, LinkOption.NOFOLLOW_LINKS));
	}

}
