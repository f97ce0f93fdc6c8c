package io.github.bootconcurrency.benchmark.suite;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.bootconcurrency.benchmark.results.AppModel;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The throughput step's warm-up: a multi-jvm model's workers each compile what one JVM
 * does, so they get twice as long; a single JVM and Gunicorn get the warm-up as set.
 */
class ThroughputStepTests {

	private static final Duration WARMUP = Duration.ofSeconds(30);

	@Test
	void multiJvmModelsAreWarmedUpForTwiceAsLong() {
		AppModel multiJvm = model(AppModel.multiJvmId("platform", "shared-socket"));
		assertThat(multiJvm.workers()).isEqualTo(2);
		assertThat(ThroughputStep.warmup(WARMUP, multiJvm)).isEqualTo(Duration.ofSeconds(60));
	}

	@Test
	void oneJvmAndGunicornAreWarmedUpAsSet() {
		assertThat(ThroughputStep.warmup(WARMUP, model(AppModel.PLATFORM))).isEqualTo(WARMUP);
		assertThat(ThroughputStep.warmup(WARMUP, model(AppModel.NO_STARTER))).isEqualTo(WARMUP);
		assertThat(ThroughputStep.warmup(WARMUP, model(AppModel.GUNICORN_SYNC))).isEqualTo(WARMUP);
	}

	private static AppModel model(String id) {
		return AppModel.select(List.of(id)).get(0);
	}

}
