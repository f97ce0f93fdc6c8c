package io.github.bootconcurrency.autoconfigure;

import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.redis.RedisFailFastAutoConfiguration;
import io.github.bootconcurrency.autoconfigure.testsupport.ApplicationSnapshot;
import io.github.bootconcurrency.autoconfigure.testsupport.ClosedPort;
import io.github.bootconcurrency.autoconfigure.testsupport.WithoutStarter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for a reactive web application with the starter on its class path: the starter
 * cannot serve it, so it does nothing at all, its environment post-processors included,
 * and says so once.
 */
@Timeout(120)
@ExtendWith(OutputCaptureExtension.class)
class ReactiveApplicationTests {

	private static final String NOTICE = "concurrency: reactive web application, the starter does nothing";

	@Test
	void everyAutoConfigurationBacksOffInAReactiveContext() throws Exception {
		Class<?>[] starters = starterAutoConfigurations();
		assertThat(starters).contains(ConcurrencyAutoConfiguration.class, RedisFailFastAutoConfiguration.class);
		try (ClosedPort redis = new ClosedPort()) {
			new ReactiveWebApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
				.withConfiguration(AutoConfigurations.of(starters))
				.withPropertyValues("spring.data.redis.port=" + redis.port(), "concurrency.model=virtual")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					List<String> startersBeans = Arrays.stream(context.getBeanDefinitionNames())
						.filter((name) -> context.getType(name) != null
								&& context.getType(name).getName().startsWith("io.github.bootconcurrency."))
						.toList();
					assertThat(startersBeans).isEmpty();
				});
		}
	}

	@ParameterizedTest(name = "reactive by {0}")
	@ValueSource(strings = { "spring.main.web-application-type", "class path" })
	void reactiveApplicationIsTheApplicationWithoutTheStarterAndSaysSoOnce(String reactiveBy, CapturedOutput output)
			throws Exception {
		try (ClosedPort redis = new ClosedPort()) {
			// Each of these would change the application or stop it if the starter
			// acted: the virtual model switches Spring Boot's virtual threads on, the key
			// below is unknown, and nothing answers Redis's PING.
			String[] arguments = { "--server.port=0", "--concurrency.model=virtual",
					"--concurrency.platform.max-thread=5", "--spring.data.redis.port=" + redis.port(),
					"--spring.jmx.enabled=false",
					reactiveBy.equals("class path") ? "--debug=false" : "--spring.main.web-application-type=reactive" };
			boolean byClassPath = reactiveBy.equals("class path");
			ApplicationSnapshot with = snapshot(false, byClassPath, arguments);
			assertThat(output).containsOnlyOnce(NOTICE);
			ApplicationSnapshot without = snapshot(true, byClassPath, arguments);
			assertThat(with.backlog()).isNotNull();
			assertThat(with.environment()).isEqualTo(without.environment());
			assertThat(with.beans()).isEqualTo(without.beans());
			assertThat(with.backlog()).isEqualTo(without.backlog());
		}
	}

	@Test
	void servletApplicationWithWebFluxOnTheClassPathKeepsTheStarterOn(CapturedOutput output) {
		// Spring Boot deduces servlet when Spring MVC is there, WebFlux or not: the
		// starter must not take WebFlux's presence for a reactive application.
		assertThat(ClassUtils.isPresent("org.springframework.web.reactive.DispatcherHandler", null)).isTrue();
		SpringApplication application = new SpringApplication(ServletApplication.class);
		assertThat(application.getWebApplicationType()).isEqualTo(WebApplicationType.SERVLET);
		try (ConfigurableApplicationContext context = application.run("--server.port=0", "--concurrency.model=virtual",
				"--fail-fast.redis.enabled=false", "--spring.jmx.enabled=false")) {
			assertThat(context.containsBean("concurrencySettings")).isTrue();
			assertThat(ApplicationSnapshot.of(context).backlog()).isEqualTo(2048);
		}
		assertThat(output).doesNotContain(NOTICE);
	}

	private static Class<?>[] starterAutoConfigurations() throws Exception {
		// The starter's own file, among Spring Boot's.
		URL imports = ConcurrencyAutoConfiguration.class.getProtectionDomain()
			.getCodeSource()
			.getLocation()
			.toURI()
			.resolve("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")
			.toURL();
		try (InputStream in = imports.openStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
				.map(String::trim)
				.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
				.map((name) -> ClassUtils.resolveClassName(name, null))
				.toArray(Class<?>[]::new);
		}
	}

	private static ApplicationSnapshot snapshot(boolean withoutStarter, boolean reactiveByClassPath,
			String... arguments) {
		DefaultResourceLoader resourceLoader = new DefaultResourceLoader(
				withoutStarter ? WithoutStarter.classLoader() : ReactiveApplicationTests.class.getClassLoader());
		SpringApplication application = new SpringApplication(resourceLoader, Application.class);
		if (reactiveByClassPath) {
			// As SpringApplication deduces it when WebFlux is on the class path and
			// Spring MVC is not.
			application.setWebApplicationType(WebApplicationType.REACTIVE);
		}
		try (ConfigurableApplicationContext context = application.run(arguments)) {
			return ApplicationSnapshot.of(context);
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

		// What WebFlux would provide; the reactive server needs no more.
		@Bean
		HttpHandler httpHandler() {
			return (request, response) -> response.setComplete();
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ServletApplication {

	}

}
