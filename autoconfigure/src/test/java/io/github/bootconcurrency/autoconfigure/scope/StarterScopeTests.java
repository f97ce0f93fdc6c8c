package io.github.bootconcurrency.autoconfigure.scope;

import java.util.Map;

import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import org.junit.jupiter.api.Test;

import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link StarterScope}: it reads its keys as Spring Boot will apply them, with
 * placeholders resolved.
 */
class StarterScopeTests {

	@Test
	void placeholderWithTrueDefaultKeepsTheStarterOn() {
		assertThat(StarterScope.offBecause(environment(Map.of("concurrency.enabled", "${STARTER_ON:true}")))).isNull();
	}

	@Test
	void placeholderWithFalseDefaultTurnsTheStarterOff() {
		assertThat(StarterScope.offBecause(environment(Map.of("concurrency.enabled", "${STARTER_ON:false}"))))
			.isEqualTo("concurrency.enabled is false");
	}

	@Test
	void placeholderResolvedFromAnotherKeyTurnsTheStarterOff() {
		assertThat(StarterScope
			.offBecause(environment(Map.of("concurrency.enabled", "${starter.on}", "starter.on", "false"))))
			.isEqualTo("concurrency.enabled is false");
	}

	@Test
	void reactiveWebTypeThroughAPlaceholderTurnsTheStarterOff() {
		assertThat(StarterScope.offBecause(environment(Map.of("spring.main.web-application-type", "${TYPE:reactive}"))))
			.isEqualTo("reactive web application");
	}

	@Test
	void unresolvablePlaceholderIsRefusedNamingTheKey() {
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> StarterScope.offBecause(environment(Map.of("concurrency.enabled", "${NOPE}"))))
			.satisfies((failure) -> assertThat(failure.getViolations()).singleElement()
				.satisfies((violation) -> assertThat(violation.key()).isEqualTo("concurrency.enabled")));
	}

	private static StandardEnvironment environment(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		return environment;
	}

}
