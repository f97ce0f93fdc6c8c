package io.github.bootconcurrency.benchmark.results;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.bootconcurrency.benchmark.cli.Arguments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SuiteOptions}, parsed from the suite's command line.
 */
class SuiteOptionsTests {

	@Test
	void quickSuiteUsesSmallerSteps() {
		SuiteOptions quick = SuiteOptions.parse(new Arguments("--quick"));
		SuiteOptions full = SuiteOptions.parse(new Arguments());
		assertThat(quick.ioN()[quick.ioN().length - 1]).isLessThan(full.ioN()[full.ioN().length - 1]);
		assertThat(quick.duration()).isLessThan(full.duration());
		assertThat(full.models()).extracting(AppModel::id).contains("virtual", "no-starter");
	}

	@Test
	void explicitOptionWinsOverQuickDefault() {
		SuiteOptions options = SuiteOptions.parse(new Arguments("--quick", "--io-n=10,5,10", "--models=virtual"));
		assertThat(options.ioN()).containsExactly(5, 10);
		assertThat(options.models()).extracting(AppModel::id).isEqualTo(List.of("virtual"));
	}

	@Test
	void throughputRunsInTwoRoundsUnlessQuickOrAsked() {
		assertThat(SuiteOptions.parse(new Arguments()).throughputRounds()).isEqualTo(2);
		assertThat(SuiteOptions.parse(new Arguments("--quick")).throughputRounds()).isEqualTo(1);
		assertThat(SuiteOptions.parse(new Arguments("--quick", "--throughput-rounds=3")).throughputRounds())
			.isEqualTo(3);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SuiteOptions.parse(new Arguments("--throughput-rounds=0")))
			.withMessageContaining("--throughput-rounds");
	}

	@Test
	void gunicornModelsAreSelectableLikeTheOthers() {
		SuiteOptions options = SuiteOptions.parse(new Arguments("--models=platform,gunicorn-sync,gunicorn-gevent"));
		assertThat(options.models()).extracting(AppModel::id)
			.containsExactly("platform", "gunicorn-sync", "gunicorn-gevent");
		assertThat(SuiteOptions.parse(new Arguments()).models()).extracting(AppModel::id)
			.contains("gunicorn-sync", "gunicorn-gthread", "gunicorn-gevent");
	}

}
