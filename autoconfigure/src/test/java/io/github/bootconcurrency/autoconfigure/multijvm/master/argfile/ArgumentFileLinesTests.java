package io.github.bootconcurrency.autoconfigure.multijvm.master.argfile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.testsupport.Commands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ArgumentFileLines}, read back by a real java launcher.
 */
class ArgumentFileLinesTests {

	private static final List<String> AWKWARD = List.of("plain", "with space", "a \"quoted\" word", "back\\slash\\",
			"two\nlines", "tab\there", "carriage\rreturn", "form\ffeed", "", "#not a comment", "@not-a-file");

	@Test
	void everyArgumentReachesTheProgramAsItWasGiven(@TempDir Path directory) throws IOException {
		Path program = directory.resolve("Echo.java");
		// Each argument's UTF-16 code units in hex, one argument a line: what was
		// received,
		// whatever the characters.
		Files.writeString(program, """
				public class Echo {
					public static void main(String[] args) {
						for (String arg : args) {
							StringBuilder line = new StringBuilder("arg:");
							arg.chars().forEach((c) -> line.append(Integer.toHexString(c)).append(' '));
							System.out.println(line);
						}
					}
				}
				""");
		List<String> arguments = new ArrayList<>(List.of("-Dfile.encoding=UTF-8", program.toString()));
		arguments.addAll(AWKWARD);
		Path file = directory.resolve("echo.args");
		Files.write(file, ArgumentFileLines.of(arguments), StandardCharsets.UTF_8);
		String java = ProcessHandle.current().info().command().orElseThrow();
		Commands.Result result = Commands.run(List.of(java, "@" + file), Duration.ofSeconds(60));
		assertThat(result.exitValue()).as(result.output()).isZero();
		assertThat(result.output().lines().filter((line) -> line.startsWith("arg:")).toList())
			.containsExactlyElementsOf(AWKWARD.stream().map(ArgumentFileLinesTests::hex).toList());
	}

	@Test
	void eachArgumentIsOneQuotedLine() {
		assertThat(ArgumentFileLines.of(List.of("a b", "c\"d", "e\\f", "g\nh"))).containsExactly("\"a b\"",
				"\"c\\\"d\"", "\"e\\\\f\"", "\"g\\nh\"");
	}

	private static String hex(String argument) {
		StringBuilder line = new StringBuilder("arg:");
		argument.chars().forEach((c) -> line.append(Integer.toHexString(c)).append(' '));
		return line.toString();
	}

}
