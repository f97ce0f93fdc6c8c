package io.github.bootconcurrency.autoconfigure.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JDK needed to build is stated once per place that states it, and the same
 * everywhere: the highest {@code <release>} the build compiles for (the shared-socket
 * balancer's classes, Java 22), the toolchain range that selects the JDK,
 * {@code .ci/run}'s {@code MIN_JAVA}, README.md and CONTRIBUTING.md. The Java to run, the
 * main {@code maven.compiler.release}, is stated by the README's compatibility line.
 */
class BuildJdkRequirementTests {

	private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

	@Test
	void everyPlaceNamesTheJdkTheBuildNeeds() throws IOException {
		int highest = 0;
		Matcher release = Pattern.compile("<release>(\\d+)</release>")
			.matcher(read("autoconfigure/pom.xml") + read("pom.xml"));
		while (release.find()) {
			highest = Math.max(highest, Integer.parseInt(release.group(1)));
		}
		int needed = highest;
		assertThat(needed).as("the highest <release> compiled for").isGreaterThanOrEqualTo(22);
		Map<String, Integer> stated = new LinkedHashMap<>();
		stated.put("pom.xml toolchain range", number(read("pom.xml"), "<version>\\[(\\d+),\\)</version>"));
		stated.put(".ci/run MIN_JAVA", number(read(".ci/run"), "readonly MIN_JAVA=(\\d+)"));
		stated.put("README.md", number(read("README.md"), "A JDK (\\d+) or later to build"));
		stated.put("CONTRIBUTING.md", number(read("CONTRIBUTING.md"), "You need a JDK (\\d+) or later"));
		assertThat(stated).allSatisfy((where, version) -> assertThat(version).as(where).isEqualTo(needed));
		int run = number(read("pom.xml"), "<maven.compiler.release>(\\d+)</maven.compiler.release>");
		assertThat(read("README.md")).contains("Java " + run + " or later to run", "(" + needed + " or later for");
	}

	private static int number(String text, String regex) {
		Matcher matcher = Pattern.compile(regex).matcher(text);
		assertThat(matcher.find()).as("%s in the text", regex).isTrue();
		return Integer.parseInt(matcher.group(1));
	}

	/**
	 * Read a file with every run of white space as one space, so that a line break does
	 * not hide a phrase.
	 */
	private static String read(String file) throws IOException {
		return Files.readString(ROOT.resolve(file)).replaceAll("\\s+", " ");
	}

}
