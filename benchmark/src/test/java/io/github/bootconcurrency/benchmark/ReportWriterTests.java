package io.github.bootconcurrency.benchmark;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReportWriter}.
 */
class ReportWriterTests {

	@Test
	void placeholdersAreReplacedAndProseIsKept() {
		String template = "<!-- about the template -->\n# Title\n\n{{targets}}\n\n### Why\n\nHand-written prose.\n";
		String output = ReportWriter.render(template, Map.of("targets", "| a | b |"));
		assertThat(output).startsWith(ReportWriter.GENERATED_NOTICE)
			.contains("| a | b |")
			.contains("Hand-written prose.")
			.doesNotContain("{{targets}}")
			.doesNotContain("about the template");
	}

	@Test
	void unknownPlaceholderIsLeftVisible() {
		assertThat(ReportWriter.render("x {{tagrets}} y", Map.of("targets", "t"))).contains("{{tagrets}}");
	}

	@Test
	void valuesWithDollarSignsAreInsertedLiterally() {
		assertThat(ReportWriter.render("{{run}}", Map.of("run", "$1 \\ $"))).endsWith("$1 \\ $");
	}

}
