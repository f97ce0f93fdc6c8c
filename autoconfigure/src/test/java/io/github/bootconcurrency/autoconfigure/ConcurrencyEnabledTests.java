package io.github.bootconcurrency.autoconfigure;

import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.testsupport.ApplicationSnapshot;
import io.github.bootconcurrency.autoconfigure.testsupport.ClosedPort;
import io.github.bootconcurrency.autoconfigure.testsupport.WithoutStarter;
import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@code concurrency.enabled}: {@code false} turns the whole starter off, its
 * environment post-processors included, and the application is then the same application
 * as without the starter on its class path.
 */
@Timeout(120)
class ConcurrencyEnabledTests {

	@Test
	void disabledStarterLeavesTheApplicationAsItIsWithoutTheStarter() throws Exception {
		try (ClosedPort redis = new ClosedPort()) {
			// Each of these would change the application or stop it with the starter on:
			// the virtual model switches Spring Boot's virtual threads on, the key below
			// is unknown, and nothing answers Redis's PING.
			String[] arguments = { "--server.port=0", "--concurrency.enabled=false", "--concurrency.model=virtual",
					"--concurrency.platform.max-thread=5", "--spring.data.redis.port=" + redis.port(),
					"--spring.jmx.enabled=false" };
			ApplicationSnapshot with = snapshot(false, arguments);
			ApplicationSnapshot without = snapshot(true, arguments);
			assertThat(with.environment()).isEqualTo(without.environment());
			assertThat(with.beans()).isEqualTo(without.beans());
			assertThat(with.backlog()).isEqualTo(without.backlog());
			assertThat(with.environment().values().stream().flatMap((source) -> source.keySet().stream()))
				.doesNotContain("spring.threads.virtual.enabled");
		}
	}

	@Test
	void enabledStarterIsSeenByTheComparison() throws Exception {
		// The comparison above would pass if the starter could not change anything.
		String[] arguments = { "--server.port=0", "--concurrency.model=virtual", "--fail-fast.redis.enabled=false",
				"--spring.jmx.enabled=false" };
		ApplicationSnapshot with = snapshot(false, arguments);
		ApplicationSnapshot without = snapshot(true, arguments);
		assertThat(with.backlog()).isEqualTo(2048);
		assertThat(without.backlog()).isNotEqualTo(2048);
		assertThat(with.beans()).contains("concurrencySettings");
		assertThat(without.beans()).doesNotContain("concurrencySettings");
		assertThat(with.environment()).containsKey("concurrencyModelDefaults");
	}

	@Test
	void valueOtherThanTrueOrFalseStopsStartupNamingKeyValueAndWhatIsAllowed() {
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> run(false, "--server.port=0", "--concurrency.enabled=flase"))
			.satisfies((failure) -> assertThat(failure.getViolations()).singleElement().satisfies((violation) -> {
				assertThat(violation.key()).isEqualTo("concurrency.enabled");
				assertThat(violation.value()).isEqualTo("flase");
				assertThat(violation.problem()).contains("true or false");
			}));
	}

	@Test
	void switchIsDescribedInTheConfigurationMetadata() throws Exception {
		// The starter's own file, among Spring Boot's.
		URL metadata = ConcurrencyAutoConfiguration.class.getProtectionDomain()
			.getCodeSource()
			.getLocation()
			.toURI()
			.resolve("META-INF/spring-configuration-metadata.json")
			.toURL();
		String json;
		try (InputStream in = metadata.openStream()) {
			json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		@SuppressWarnings("unchecked")
		Stream<Map<String, Object>> properties = ((List<Map<String, Object>>) JsonParserFactory.getJsonParser()
			.parseMap(json)
			.get("properties")).stream();
		assertThat(properties.filter((property) -> "concurrency.enabled".equals(property.get("name")))).singleElement()
			.satisfies((property) -> {
				assertThat(property).containsEntry("type", "java.lang.Boolean").containsEntry("defaultValue", true);
				assertThat((String) property.get("description")).startsWith("Whether to enable the starter");
			});
	}

	private static ApplicationSnapshot snapshot(boolean withoutStarter, String... arguments) {
		try (ConfigurableApplicationContext context = run(withoutStarter, arguments)) {
			return ApplicationSnapshot.of(context);
		}
	}

	private static ConfigurableApplicationContext run(boolean withoutStarter, String... arguments) {
		DefaultResourceLoader resourceLoader = new DefaultResourceLoader(
				withoutStarter ? WithoutStarter.classLoader() : ConcurrencyEnabledTests.class.getClassLoader());
		SpringApplication application = new SpringApplication(resourceLoader, Application.class);
		return application.run(arguments);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
