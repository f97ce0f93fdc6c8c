package io.github.bootconcurrency.autoconfigure.model;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ModelDecision#chosen} and {@link ModelDecision#forWorkers}.
 */
class ModelDecisionChosenTests {

	@Test
	void chosenIsTheModelTheKeyNamesAsUsersWriteIt() {
		assertThat(ModelDecision.chosen(environment(Map.of("concurrency.model", " Multi_JVM "))))
			.contains(ConcurrencyModel.MULTI_JVM);
		assertThat(ModelDecision.chosen(environment(Map.of("concurrency.model", "virtual"))))
			.contains(ConcurrencyModel.VIRTUAL);
	}

	@Test
	void chosenIsEmptyWhenTheKeyIsAbsentOrNamesNoModel() {
		assertThat(ModelDecision.chosen(environment(Map.of()))).isEmpty();
		assertThat(ModelDecision.chosen(environment(Map.of("concurrency.model", "fibers")))).isEmpty();
		assertThat(ModelDecision.chosen(environment(Map.of("concurrency.model", "")))).isEmpty();
	}

	@Test
	void chosenIgnoresBootsVirtualThreadsSwitch() {
		assertThat(ModelDecision.chosen(environment(Map.of("spring.threads.virtual.enabled", "true")))).isEmpty();
	}

	@Test
	void forWorkersNamesTheWorkerModelKey() {
		ModelDecision decision = ModelDecision.forWorkers(ConcurrencyModel.VIRTUAL, List.of("prod"));
		assertThat(decision.model()).isEqualTo(ConcurrencyModel.VIRTUAL);
		assertThat(decision.reason()).isEqualTo("concurrency.multi-jvm.worker-model=virtual");
		assertThat(decision.activeProfiles()).containsExactly("prod");
	}

	private static StandardEnvironment environment(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		return environment;
	}

}
