package io.github.bootconcurrency.autoconfigure.validation;

import java.util.List;

import io.github.bootconcurrency.autoconfigure.ConcurrencyAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InvalidSettingsFailureAnalyzer}.
 */
class InvalidSettingsFailureAnalyzerTests {

	private final InvalidSettingsFailureAnalyzer analyzer = new InvalidSettingsFailureAnalyzer();

	@Test
	void descriptionNamesProfilesKeysValuesOriginsAndWhatIsAllowed() {
		FailureAnalysis analysis = analyze("concurrency.platform.max-threads=0", "concurrency.backlog=70000");
		assertThat(analysis.getDescription()).contains("(no active profile)")
			.contains("concurrency.platform.max-threads = 0 (from \"concurrency.platform.max-threads\" from property"
					+ " source \"test\"): allowed: a whole number from 1 to 10000")
			.contains("concurrency.backlog = 70000")
			.contains("allowed: a whole number from 1 to 65535");
		assertThat(analysis.getAction()).contains("Change concurrency.platform.max-threads to a value that is allowed")
			.contains("Change concurrency.backlog to a value that is allowed");
	}

	@Test
	void descriptionNamesTheActiveProfiles() {
		InvalidSettingsException exception = new InvalidSettingsException(
				List.of(new Violation("concurrency.model", "multi-jvm", null, "not available yet", "Choose another.")),
				List.of("prod", "eu"));
		FailureAnalysis analysis = this.analyzer.analyze(new IllegalStateException("wrapped", exception));
		assertThat(analysis.getDescription()).contains("(active profiles: prod, eu)")
			.contains("concurrency.model = multi-jvm: not available yet");
		assertThat(analysis.getAction()).isEqualTo("Choose another.");
	}

	@Test
	void conflictNamesBothKeysInDescriptionAndAction() {
		FailureAnalysis analysis = analyze("concurrency.platform.max-threads=4", "server.tomcat.threads.max=50");
		assertThat(analysis.getDescription()).contains("concurrency.platform.max-threads = 4")
			.contains("conflicts with server.tomcat.threads.max=50");
		assertThat(analysis.getAction()).contains("Set only concurrency.platform.max-threads")
			.contains("server.tomcat.threads.max");
	}

	private FailureAnalysis analyze(String... properties) {
		Throwable[] failure = new Throwable[1];
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(ConcurrencyAutoConfiguration.class))
			.withPropertyValues(properties)
			.run((context) -> failure[0] = context.getStartupFailure());
		assertThat(failure[0]).isNotNull();
		FailureAnalysis analysis = this.analyzer.analyze(failure[0]);
		assertThat(analysis).isNotNull();
		return analysis;
	}

}
