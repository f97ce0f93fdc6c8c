package io.github.bootconcurrency.autoconfigure.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * JUnit's {@code @TempDir}, made as JUnit makes it and also handed to the {@link Reaper},
 * so that a directory JUnit had no chance to delete (the test JVM killed at its fork
 * timeout) is removed all the same. The build makes it the default
 * ({@code junit.jupiter.tempdir.factory.default}).
 */
public final class ReapedTempDirFactory implements TempDirFactory {

	@Override
	public Path createTempDirectory(AnnotatedElementContext elementContext, ExtensionContext extensionContext)
			throws Exception {
		Path directory = Files.createTempDirectory("junit-");
		Reaper.removeOnExit(directory);
		return directory;
	}

}
