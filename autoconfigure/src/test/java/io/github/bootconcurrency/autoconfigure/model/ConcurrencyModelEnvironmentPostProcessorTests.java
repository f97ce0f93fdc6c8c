package io.github.bootconcurrency.autoconfigure.model;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConcurrencyModelEnvironmentPostProcessor}.
 */
class ConcurrencyModelEnvironmentPostProcessorTests {

	private final ConcurrencyModelEnvironmentPostProcessor postProcessor = new ConcurrencyModelEnvironmentPostProcessor();

	@Test
	void virtualModelSwitchesOnBootsVirtualThreads() {
		StandardEnvironment environment = environment(Map.of("concurrency.model", "virtual"));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.threads.virtual.enabled")).isEqualTo("true");
	}

	@Test
	void platformModelLeavesBootsVirtualThreadsAlone() {
		StandardEnvironment environment = environment(Map.of("concurrency.model", "platform"));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.containsProperty("spring.threads.virtual.enabled")).isFalse();
	}

	@Test
	void valueSetByTheUserIsNeverOverridden() {
		StandardEnvironment environment = environment(
				Map.of("concurrency.model", "virtual", "spring.threads.virtual.enabled", "false"));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.threads.virtual.enabled")).isEqualTo("false");
		assertThat(environment.getPropertySources()
			.contains(ConcurrencyModelEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isFalse();
	}

	@Test
	void unknownModelIsLeftForStartupToReport() {
		StandardEnvironment environment = environment(Map.of("concurrency.model", "gevent"));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.containsProperty("spring.threads.virtual.enabled")).isFalse();
	}

	private StandardEnvironment environment(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		return environment;
	}

}
