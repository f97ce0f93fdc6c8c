package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * The application extracted for the AOT cache (Spring Boot's
 * {@code -Djarmode=tools extract}): into a directory of its own first, named for this
 * master and this moment, then renamed to {@code app}, so that no worker ever runs half
 * an extraction.
 */
final class AotCacheExtraction {

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
			BoundedCommand.Result result = commands.run(List.of(java, "-Djarmode=tools", "-jar", jar.toString(),
					"extract", "--destination", partial.toString()), timeout);
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

	private static void move(Path partial, Path app, Path jarName) throws IOException {
		try {
			Files.move(partial, app, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			// Onto an app/ there already (ENOTEMPTY): the extraction of another master of
			// the same key, so of the same jar, there first. Taken once its jar is there.
			if (!Files.isRegularFile(app.resolve(jarName), LinkOption.NOFOLLOW_LINKS)) {
				throw ex;
			}
			PrivateDirectory.deleteTree(partial);
		}
	}

}
