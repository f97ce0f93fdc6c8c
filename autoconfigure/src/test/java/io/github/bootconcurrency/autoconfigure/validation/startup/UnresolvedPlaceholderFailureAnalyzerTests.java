package io.github.bootconcurrency.autoconfigure.validation.startup;

import java.nio.file.Files;
import java.nio.file.Path;

import io.github.bootconcurrency.autoconfigure.testsupport.ConfigDataEnvironments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.PlaceholderResolutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for {@link UnresolvedPlaceholderFailureAnalyzer}, with the placeholder's failure
 * produced by a real environment reading a real file.
 */
class UnresolvedPlaceholderFailureAnalyzerTests {

	@TempDir
	Path config;

	@Test
	void namesTheVariableThePropertiesItFeedsWhereTheyAreWrittenAndTheProfilesButNoValue() throws Exception {
		Files.writeString(this.config.resolve("application-prod.yml"), """
				spring.data.redis:
				  host: redis.internal
				  password: Prefix-${CONCURRENCY_TEST_UNSET_PASSWORD}
				backup.password: ${CONCURRENCY_TEST_UNSET_PASSWORD}
				""");
		StandardEnvironment environment = environment("--spring.profiles.active=prod");
		FailureAnalysis analysis = analyze(environment, "spring.data.redis.password");
		assertThat(analysis.getDescription()).contains("A setting refers to ${CONCURRENCY_TEST_UNSET_PASSWORD}")
			.contains("no environment variable CONCURRENCY_TEST_UNSET_PASSWORD")
			.contains("spring.data.redis.password (from URL [file:" + this.config + "/application-prod.yml] - 3:13)")
			.contains("backup.password (from")
			.containsPattern("Active profiles: +prod")
			.doesNotContain("Prefix");
		assertThat(analysis.getAction())
			.contains("Set the environment variable CONCURRENCY_TEST_UNSET_PASSWORD, or set "
					+ "spring.data.redis.password or backup.password directly")
			.contains("(prod)");
	}

	@Test
	void aPlaceholderWrittenAsAPropertyIsResolvedByItsRelaxedVariable() throws Exception {
		Files.writeString(this.config.resolve("application.yml"), "client.token: ${concurrency-test.unset.token}\n");
		FailureAnalysis analysis = analyze(environment(), "client.token");
		assertThat(analysis.getDescription())
			.contains(
					"no environment variable CONCURRENCYTEST_UNSET_TOKEN and no property concurrency-test.unset.token")
			.containsPattern("Active profiles: +\\(none\\)");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "--concurrency.enabled=false", "--spring.main.web-application-type=reactive" })
	void leavesThePlaceholdersFailureToSpringBootWhenTheStarterIsOff(String off) throws Exception {
		Files.writeString(this.config.resolve("application.yml"), "client.token: ${concurrency-test.unset.token}\n");
		StandardEnvironment environment = environment(off);
		PlaceholderResolutionException failure = catchThrowableOfType(PlaceholderResolutionException.class,
				() -> environment.getProperty("client.token"));
		assertThat(new UnresolvedPlaceholderFailureAnalyzer(environment)
			.analyze(new IllegalStateException("Failed to start", failure))).isNull();
	}

	private FailureAnalysis analyze(StandardEnvironment environment, String key) {
		PlaceholderResolutionException failure = catchThrowableOfType(PlaceholderResolutionException.class,
				() -> environment.getProperty(key));
		assertThat(failure).as("reading " + key).isNotNull();
		FailureAnalysis analysis = new UnresolvedPlaceholderFailureAnalyzer(environment)
			.analyze(new IllegalStateException("Failed to start", failure));
		assertThat(analysis).isNotNull();
		return analysis;
	}

	private StandardEnvironment environment(String... arguments) {
		return ConfigDataEnvironments.load(this.config, arguments);
	}

}
