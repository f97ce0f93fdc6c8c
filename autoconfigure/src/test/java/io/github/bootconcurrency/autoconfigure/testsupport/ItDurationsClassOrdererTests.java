package io.github.bootconcurrency.autoconfigure.testsupport;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link ItDurationsClassOrderer}, on the durations of the build of 2026-12-05
 * (a copy of that day's {@value ItDurationsClassOrderer#DURATIONS}: the file itself is
 * rewritten after each full build) and the order in which its log shows the classes ran
 * (the test-classes directory's).
 */
class ItDurationsClassOrdererTests {

	private static final String AUTOCONFIGURE = "io.github.bootconcurrency.autoconfigure.multijvm.";

	private static final String SAMPLE = "io.github.bootconcurrency.sample.";

	/**
	 * The autoconfigure module's ITs but its 2 {@code @Isolated} ones, as that build
	 * listed them.
	 */
	private static final List<String> AUTOCONFIGURE_AS_LISTED = List
		.of("master.aotcache.AotCacheStoreLockIT", "MultiJvmSlowlorisBusyAndBlankLinesIT", "MultiJvmPrometheusIT",
				"MultiJvmBusyWorkerAcceptIT", "MultiJvmStartupWarningsIT", "MultiJvmHungWorkerIT",
				"MultiJvmLaunchFailureIT", "MultiJvmSlowlorisIT", "MultiJvmReloadSourcesIT", "MultiJvmProxyRetryIT",
				"MultiJvmWorkerOutputIT", "MultiJvmWorkerProtocolMismatchIT", "MultiJvmPidfileIT",
				"MultiJvmUnshareableJvmOptionsIT", "MultiJvmMaxHeapIT", "MultiJvmWithoutUndertowIT",
				"MultiJvmMasterJvmIT", "MultiJvmForwardedHeadersIT", "MultiJvmServerContractIT", "MultiJvmSecretsIT",
				"MultiJvmRequestDeadlineIT", "MultiJvmDrainKeptAliveClientsIT", "MultiJvmStandardInputIT")
		.stream()
		.map((name) -> AUTOCONFIGURE + name)
		.toList();

	private static final List<String> SAMPLE_AS_LISTED = List
		.of("MultiJvmStopIT", "SampleApplicationStartupFailureIT", "MultiJvmAotCacheIT", "SampleAppAheadOfTimeIT",
				"MultiJvmReloadIT", "SampleAppJarIT", "DeploymentJavaToolOptionsIT", "AotCacheIT", "MultiJvmFaultsIT",
				"MultiJvmServingIT", "MultiJvmControlIT")
		.stream()
		.map((name) -> SAMPLE + name)
		.toList();

	private final Map<String, Double> durations = ItDurationsClassOrderer
		.durations("it-durations-2026-12-05.properties");

	@Test
	void everyClassOfThatBuildHasADuration() {
		assertThat(this.durations).containsKeys(AUTOCONFIGURE_AS_LISTED.toArray(String[]::new))
			.containsKeys(SAMPLE_AS_LISTED.toArray(String[]::new));
	}

	@Test
	void theModelReplaysThatBuild() {
		// Its log: the last class of the autoconfigure module ended 465 s after the
		// first began, the sample app's 574 s.
		assertThat(ItDurationsClassOrderer.makespan(AUTOCONFIGURE_AS_LISTED, this.durations, 3)).isCloseTo(465,
				within(3.0));
		assertThat(ItDurationsClassOrderer.makespan(SAMPLE_AS_LISTED, this.durations, 3)).isCloseTo(574, within(3.0));
	}

	@Test
	void theLanesEndWithinAFewPercentOfTheBestTheyCould() {
		for (List<String> classes : List.of(AUTOCONFIGURE_AS_LISTED, SAMPLE_AS_LISTED)) {
			double sum = classes.stream().mapToDouble(this.durations::get).sum();
			double longest = classes.stream().mapToDouble(this.durations::get).max().orElseThrow();
			double best = Math.max(sum / 3, longest);
			List<String> order = ItDurationsClassOrderer.order(classes, this.durations, 3);
			assertThat(order).containsExactlyInAnyOrderElementsOf(classes);
			double makespan = ItDurationsClassOrderer.makespan(order, this.durations, 3);
			assertThat(makespan).isLessThanOrEqualTo(best * 1.03)
				.isLessThanOrEqualTo(ItDurationsClassOrderer.makespan(classes, this.durations, 3));
		}
	}

	@Test
	void theDurationsInUseAreReadFromTheFileTheScriptWrites() {
		assertThat(ItDurationsClassOrderer.durations()).containsKey(SAMPLE + "MultiJvmAotCacheGuaranteesIT")
			.allSatisfy((name, seconds) -> assertThat(seconds).isNotNegative());
	}

	@Test
	void oneAtATimeTheLongestComesFirstAndAClassNotListedCountsAsTheUnknownDuration() {
		assertThat(ItDurationsClassOrderer.order(List.of("a", "b", "c"), Map.of("a", 1.0, "c", 90.0), 1))
			.containsExactly("c", "b", "a");
	}

}
