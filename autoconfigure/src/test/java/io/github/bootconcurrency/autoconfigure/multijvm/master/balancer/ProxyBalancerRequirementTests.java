package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import java.util.List;
import java.util.Optional;

import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfigLoader;
import io.undertow.Version;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link ProxyBalancerRequirement} and the analysis of its failure.
 */
class ProxyBalancerRequirementTests {

	private static final ClassLoader WITHOUT_UNDERTOW = new FilteredClassLoader("io.undertow.");

	@Test
	void proxyWithoutUndertowFailsNamingWhereItWasChosenAndWhatIsMissing() {
		MockEnvironment environment = new MockEnvironment().withProperty("concurrency.multi-jvm.balancer", "proxy");
		environment.setActiveProfiles("multi");
		MasterConfig config = MasterConfigLoader.load(environment, SharedSocket.unsupportedReason());
		assertThatExceptionOfType(ProxyBalancerUnavailableException.class)
			.isThrownBy(() -> ProxyBalancerRequirement.check(config, environment, WITHOUT_UNDERTOW))
			.satisfies((failure) -> {
				assertThat(failure.getBalancerSetting()).startsWith("concurrency.multi-jvm.balancer=proxy (from ");
				assertThat(failure.getActiveProfiles()).containsExactly("multi");
				assertThat(failure.getMissingClasses()).containsExactly("io.undertow.Undertow");
				assertThat(failure.getDependency()).isEqualTo("io.undertow:undertow-core:2.4.4.Final");
			});
	}

	@Test
	void theProxyChosenByDefaultIsCheckedToo() {
		MockEnvironment environment = new MockEnvironment();
		MasterConfig config = MasterConfigLoader.load(environment, Optional.empty());
		assertThatExceptionOfType(ProxyBalancerUnavailableException.class)
			.isThrownBy(() -> ProxyBalancerRequirement.check(config, environment, WITHOUT_UNDERTOW))
			.satisfies((failure) -> assertThat(failure.getBalancerSetting()).startsWith("proxy, the default: ")
				.endsWith(" (concurrency.multi-jvm.balancer is not set)"));
	}

	@Test
	void xniosProviderIsNeededTooThoughUndertowFindsItOnlyAtRuntime() {
		MockEnvironment environment = new MockEnvironment().withProperty("concurrency.multi-jvm.balancer", "proxy");
		assertThatExceptionOfType(ProxyBalancerUnavailableException.class)
			.isThrownBy(() -> ProxyBalancerRequirement.check(
					MasterConfigLoader.load(environment, SharedSocket.unsupportedReason()), environment,
					new FilteredClassLoader("org.xnio.nio.")))
			.satisfies((failure) -> assertThat(failure.getMissingClasses())
				.containsExactly("org.xnio.nio.NioXnioProvider"));
	}

	@Test
	void proxyWithUndertowPasses() {
		MockEnvironment environment = new MockEnvironment().withProperty("concurrency.multi-jvm.balancer", "proxy");
		assertThatNoException().isThrownBy(() -> ProxyBalancerRequirement.check(
				MasterConfigLoader.load(environment, SharedSocket.unsupportedReason()), environment,
				getClass().getClassLoader()));
	}

	@Test
	void sharedSocketNeedsNoUndertow() {
		MockEnvironment environment = new MockEnvironment().withProperty("concurrency.multi-jvm.balancer",
				"shared-socket");
		// Where shared-socket runs is SharedSocketTests': here it is taken as available,
		// as the master would refuse it before this check otherwise.
		MasterConfig config = MasterConfigLoader.load(environment, Optional.empty());
		assertThatNoException().isThrownBy(() -> ProxyBalancerRequirement.check(config, environment, WITHOUT_UNDERTOW));
	}

	@Test
	void theDependencyNamedIsTheUndertowTheStarterIsBuiltAndTestedWith() {
		assertThat(ProxyBalancerRequirement.DEPENDENCY)
			.isEqualTo("io.undertow:undertow-core:" + Version.getVersionString());
	}

	@Test
	void analysisGivesTheDependencyToAddAndTheOtherBalancer() {
		FailureAnalysis analysis = new ProxyBalancerUnavailableFailureAnalyzer()
			.analyze(new ProxyBalancerUnavailableException("concurrency.multi-jvm.balancer=proxy (from a file)",
					List.of("multi"), List.of("io.undertow.Undertow"), "io.undertow:undertow-core:2.4.4.Final", null));
		assertThat(analysis.getDescription())
			.contains("Balancer:         concurrency.multi-jvm.balancer=proxy (from a file)")
			.contains("Active profiles:  multi")
			.contains("Missing classes:  io.undertow.Undertow");
		assertThat(analysis.getAction()).contains("Add io.undertow:undertow-core:2.4.4.Final")
			.contains("<groupId>io.undertow</groupId>")
			.contains("<artifactId>undertow-core</artifactId>")
			.contains("<version>2.4.4.Final</version>")
			.contains("implementation 'io.undertow:undertow-core:2.4.4.Final'")
			.contains("set concurrency.multi-jvm.balancer=shared-socket");
	}

	@Test
	void analysisSaysWhenTheOtherBalancerCannotRunHereEither() {
		FailureAnalysis analysis = new ProxyBalancerUnavailableFailureAnalyzer()
			.analyze(new ProxyBalancerUnavailableException("proxy, the default", List.of(),
					List.of("io.undertow.Undertow"), "io.undertow:undertow-core:2.4.4.Final",
					"it works on Linux and macOS only, and this OS is Windows 11"));
		assertThat(analysis.getDescription()).contains("Active profiles:  (none)");
		assertThat(analysis.getAction()).contains("Add io.undertow:undertow-core:2.4.4.Final")
			.contains("shared-socket, needs no dependency but cannot be used here: it works on Linux and macOS only")
			.doesNotContain("set concurrency.multi-jvm.balancer=shared-socket");
	}

}
