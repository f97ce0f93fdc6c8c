package io.github.bootconcurrency.autoconfigure.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Prometheus's own {@code promtool} (Debian's {@code prometheus} package), for the tests
 * that check text only Prometheus can judge. Without it a case is skipped, saying so,
 * except where {@code PROMTOOL_REQUIRED=true} (CI, which installs it) makes it fail.
 */
public final class Promtool {

	private Promtool() {
	}

	/**
	 * Run promtool with arguments, skipping the test where it is not installed (failing
	 * it under {@code PROMTOOL_REQUIRED=true}).
	 * @param what what promtool checks, for the skip's message
	 * @param arguments its arguments
	 * @return what promtool did
	 */
	public static Commands.Result run(String what, String... arguments) {
		List<String> command = new ArrayList<>(List.of(require(what).toString()));
		command.addAll(List.of(arguments));
		return Commands.run(command, Duration.ofSeconds(60));
	}

	/**
	 * Run {@code promtool check metrics} on an exposition, as a scrape would give it.
	 * @param exposition the exposition, in the text format 0.0.4
	 * @return what promtool did: exit 0 and no output when it finds nothing to say
	 */
	public static Commands.Result checkMetrics(String exposition) {
		Path promtool = require("the exposition");
		Path file = null;
		try {
			file = Files.createTempFile("exposition-", ".txt");
			Files.writeString(file, exposition, StandardCharsets.UTF_8);
			// promtool reads the exposition on its standard input only.
			return Commands.run(
					List.of("sh", "-c", "exec \"$0\" check metrics < \"$1\"", promtool.toString(), file.toString()),
					Duration.ofSeconds(60));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			if (file != null) {
				file.toFile().delete();
			}
		}
	}

	private static Path require(String what) {
		Path promtool = onPath("promtool");
		if (promtool == null && "true".equals(System.getenv("PROMTOOL_REQUIRED"))) {
			fail("PROMTOOL_REQUIRED=true and no promtool on the PATH (%s)", System.getenv("PATH"));
		}
		assumeThat(promtool)
			.as("promtool is not installed (Debian's prometheus package; .ci/run installs it), so %s is not "
					+ "checked by it here", what)
			.isNotNull();
		return promtool;
	}

	private static @Nullable Path onPath(String program) {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String directory : path.split(File.pathSeparator)) {
			Path candidate = Path.of(directory, program);
			if (Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

}
