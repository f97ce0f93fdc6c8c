package io.github.bootconcurrency.autoconfigure;

import io.github.bootconcurrency.autoconfigure.admission.AdaptiveLimitUnavailableException;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;
import io.github.bootconcurrency.autoconfigure.validation.Violation;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static io.github.bootconcurrency.autoconfigure.ConcurrencyContexts.violation;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the adaptive limit as {@link ConcurrencyAutoConfiguration} sets it up
 * ({@code concurrency.virtual.limit=adaptive}): the gate starts at the minimum and may
 * rise to the cap, a minimum above the cap is refused, and Netflix's library is needed by
 * the adaptive limit only, its absence named with the artifact to add. How the limit then
 * moves on a real server is {@link AdaptiveLimitTests}'.
 */
class AdaptiveLimitAutoConfigurationTests {

	private final WebApplicationContextRunner runner = ConcurrencyContexts.runner();

	@Test
	void adaptiveLimitStartsAtItsMinimumAndMayRiseToTheCap() {
		this.runner
			.withPropertyValues("concurrency.model=virtual", "concurrency.virtual.limit=adaptive",
					"concurrency.virtual.max-concurrent-requests=300", "concurrency.virtual.min-concurrent-requests=7")
			.run((context) -> {
				RequestGate gate = context.getBean(RequestGate.class);
				assertThat(gate.getLimit()).isEqualTo(7);
				assertThat(gate.getMaxLimit()).isEqualTo(300);
				assertThat(context.getBean(ConcurrencySettings.class).describe())
					.containsEntry("virtual.limit", "adaptive")
					.containsEntry("virtual.min-concurrent-requests", 7);
			});
	}

	@Test
	void adaptiveLimitsDefaultMinimumFollowsASmallerCap() {
		this.runner
			.withPropertyValues("concurrency.model=virtual", "concurrency.virtual.limit=adaptive",
					"concurrency.virtual.max-concurrent-requests=5")
			.run((context) -> assertThat(context.getBean(RequestGate.class).getLimit()).isEqualTo(5));
	}

	@Test
	void minimumAboveTheCapFailsNamingTheCap() {
		this.runner
			.withPropertyValues("concurrency.model=virtual", "concurrency.virtual.limit=adaptive",
					"concurrency.virtual.max-concurrent-requests=50", "concurrency.virtual.min-concurrent-requests=60")
			.run((context) -> {
				Violation violation = violation(context);
				assertThat(violation.key()).isEqualTo("concurrency.virtual.min-concurrent-requests");
				assertThat(violation.value()).isEqualTo(60L);
				assertThat(violation.problem())
					.contains("allowed: 1 to concurrency.virtual.max-concurrent-requests (50)");
			});
	}

	@Test
	void adaptiveLimitWithoutNetflixsLibraryFailsNamingTheKeyAndTheArtifact() {
		this.runner.withClassLoader(new FilteredClassLoader("com.netflix.concurrency.limits."))
			.withPropertyValues("concurrency.model=virtual", "concurrency.virtual.limit=adaptive")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				while (failure != null && !(failure instanceof AdaptiveLimitUnavailableException)) {
					failure = failure.getCause();
				}
				assertThat(failure).isInstanceOf(AdaptiveLimitUnavailableException.class)
					.hasMessageContaining("concurrency.virtual.limit=adaptive")
					.hasMessageContaining("com.netflix.concurrency-limits:concurrency-limits-core:0.5.4");
			});
	}

	@Test
	void fixedLimitDoesNotNeedNetflixsLibrary() {
		this.runner.withClassLoader(new FilteredClassLoader("com.netflix.concurrency.limits."))
			.withPropertyValues("concurrency.model=virtual", "concurrency.virtual.max-concurrent-requests=300")
			.run((context) -> assertThat(context.getBean(RequestGate.class).getLimit()).isEqualTo(300));
	}

}
