package io.github.bootconcurrency.autoconfigure.admission;

import java.util.List;

import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.model.ModelDecision;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencyProperties;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link AdaptiveLimitRequirement} and the analysis of its failure.
 */
class AdaptiveLimitRequirementTests {

	private static final ClassLoader WITHOUT_LIBRARY = new FilteredClassLoader("com.netflix.concurrency.limits.");

	@Test
	void masterRefusesVirtualWorkersWithAnAdaptiveLimitWithoutTheLibrary() {
		MockEnvironment environment = new MockEnvironment().withProperty("concurrency.virtual.limit", "adaptive");
		environment.setActiveProfiles("multi");
		assertThatExceptionOfType(AdaptiveLimitUnavailableException.class)
			.isThrownBy(() -> AdaptiveLimitRequirement.check(workers(ConcurrencyModel.VIRTUAL, environment),
					environment, WITHOUT_LIBRARY))
			.satisfies((failure) -> {
				assertThat(failure.getLimitSetting()).startsWith("concurrency.virtual.limit=adaptive (from ");
				assertThat(failure.getActiveProfiles()).containsExactly("multi");
				assertThat(failure.getMissingClasses()).contains("com.netflix.concurrency.limits.limit.Gradient2Limit");
			});
	}

	@Test
	void platformWorkersOrAFixedLimitDoNotNeedTheLibrary() {
		MockEnvironment adaptive = new MockEnvironment().withProperty("concurrency.virtual.limit", "adaptive");
		assertThatNoException().isThrownBy(() -> AdaptiveLimitRequirement
			.check(workers(ConcurrencyModel.PLATFORM, adaptive), adaptive, WITHOUT_LIBRARY));
		assertThatNoException().isThrownBy(() -> AdaptiveLimitRequirement
			.check(workers(ConcurrencyModel.VIRTUAL, new MockEnvironment()), new MockEnvironment(), WITHOUT_LIBRARY));
	}

	@Test
	void analysisNamesTheKeyTheMissingArtifactAndHowToAddItOrDoWithout() {
		MockEnvironment environment = new MockEnvironment().withProperty("concurrency.virtual.limit", "adaptive");
		AdaptiveLimitUnavailableException failure = null;
		try {
			AdaptiveLimitRequirement.check(workers(ConcurrencyModel.VIRTUAL, environment), environment,
					WITHOUT_LIBRARY);
		}
		catch (AdaptiveLimitUnavailableException ex) {
			failure = ex;
		}
		assertThat(failure).isNotNull();
		FailureAnalysis analysis = new AdaptiveLimitUnavailableFailureAnalyzer().analyze(failure);
		assertThat(analysis.getDescription()).contains("concurrency.virtual.limit=adaptive")
			.contains("Missing artifact: com.netflix.concurrency-limits:concurrency-limits-core:0.5.4");
		assertThat(analysis.getAction()).contains("<artifactId>concurrency-limits-core</artifactId>")
			.contains("<version>0.5.4</version>")
			.contains("concurrency.virtual.limit=fixed");
	}

	/**
	 * The settings a multi-jvm master resolves for its workers.
	 */
	private static ConcurrencySettings workers(ConcurrencyModel model, MockEnvironment environment) {
		return ConcurrencySettings.resolve(
				Binder.get(environment).bindOrCreate("concurrency", ConcurrencyProperties.class), environment,
				ModelDecision.forWorkers(model, List.of(environment.getActiveProfiles())));
	}

	@Test
	void theDependencyNamedIsTheOneOnTheClassPath() {
		String version = com.netflix.concurrency.limits.Limit.class.getProtectionDomain()
			.getCodeSource()
			.getLocation()
			.getPath();
		assertThat(version).endsWith("concurrency-limits-core-0.5.4.jar");
		assertThat(AdaptiveLimitRequirement.DEPENDENCY).endsWith(":0.5.4");
	}

}
