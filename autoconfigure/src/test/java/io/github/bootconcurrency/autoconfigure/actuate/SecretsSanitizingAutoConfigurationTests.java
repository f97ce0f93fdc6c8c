package io.github.bootconcurrency.autoconfigure.actuate;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SecretsSanitizingAutoConfiguration}, through the actuator's
 * {@code env} endpoint with {@code show-values=always}.
 */
class SecretsSanitizingAutoConfigurationTests {

	private static final String HIDDEN = "******";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EnvironmentEndpointAutoConfiguration.class,
				SecretsSanitizingAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=env",
				"management.endpoint.env.show-values=always", "spring.data.redis.password=s3cret",
				"spring.data.redis.url=redis://:s3cret@redis.internal:6379", "app.api-key=k3y", "app.token=t0ken",
				"app.datasource-credentials=c", "spring.data.redis.host=redis.internal", "spring.data.redis.port=6380",
				"server.address=127.0.0.1", "management.server.address=127.0.0.1",
				"app.callback-url=https://example.org/hook?id=1", "app.docs-uri=https://example.org/@team",
				"concurrency.model=virtual", "concurrency.multi-jvm.workers=auto");

	@Test
	void hidesCredentialsAndUrisWithCredentials() {
		this.runner.run((context) -> {
			assertThat(context).hasBean("concurrencySecretsSanitizingFunction");
			assertThat(value(context, "spring.data.redis.password")).isEqualTo(HIDDEN);
			assertThat(value(context, "spring.data.redis.url")).isEqualTo(HIDDEN);
			assertThat(value(context, "app.api-key")).isEqualTo(HIDDEN);
			assertThat(value(context, "app.token")).isEqualTo(HIDDEN);
			assertThat(value(context, "app.datasource-credentials")).isEqualTo(HIDDEN);
		});
	}

	@Test
	void everyOtherValueStaysVisibleAddressesAndUrlsWithoutCredentialsIncluded() {
		this.runner.run((context) -> {
			assertThat(value(context, "spring.data.redis.host")).isEqualTo("redis.internal");
			assertThat(value(context, "spring.data.redis.port")).isEqualTo("6380");
			assertThat(value(context, "server.address")).isEqualTo("127.0.0.1");
			assertThat(value(context, "management.server.address")).isEqualTo("127.0.0.1");
			assertThat(value(context, "app.callback-url")).isEqualTo("https://example.org/hook?id=1");
			assertThat(value(context, "app.docs-uri")).isEqualTo("https://example.org/@team");
			assertThat(value(context, "concurrency.model")).isEqualTo("virtual");
			assertThat(value(context, "concurrency.multi-jvm.workers")).isEqualTo("auto");
		});
	}

	@Test
	void switchedOffTheFunctionIsAbsentAndShowValuesShowsEverything() {
		this.runner.withPropertyValues("concurrency.actuator.sanitize-secrets.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(SanitizingFunction.class);
			assertThat(value(context, "spring.data.redis.password")).isEqualTo("s3cret");
		});
	}

	@Test
	void aFunctionOfTheSameNameReplacesIt() {
		this.runner
			.withBean("concurrencySecretsSanitizingFunction", SanitizingFunction.class,
					() -> SanitizingFunction.sanitizeValue().ifKeyEquals("spring.data.redis.host"))
			.run((context) -> {
				assertThat(context).hasSingleBean(SanitizingFunction.class);
				assertThat(value(context, "spring.data.redis.host")).isEqualTo(HIDDEN);
				assertThat(value(context, "spring.data.redis.password")).isEqualTo("s3cret");
			});
	}

	@Test
	void backsOffWithoutTheActuator() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SecretsSanitizingAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate."))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("concurrencySecretsSanitizingFunction"));
	}

	private static Object value(ApplicationContext context, String key) {
		return context.getBean(EnvironmentEndpoint.class).environmentEntry(key).getProperty().getValue();
	}

}
