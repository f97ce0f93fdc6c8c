package io.github.bootconcurrency.autoconfigure.profiles;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.bootconcurrency.autoconfigure.testsupport.ConfigDataEnvironments;
import org.apache.commons.logging.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link UnknownProfileEnvironmentPostProcessor} and
 * {@link ProfileConfiguration}, with configuration files read as Spring Boot reads them.
 */
class UnknownProfileEnvironmentPostProcessorTests {

	private final List<String> warnings = new CopyOnWriteArrayList<>();

	@TempDir
	Path config;

	@Test
	void profilesWithConfigurationAreTheirFilesTheirDocumentsAndTheirGroups() throws Exception {
		files();
		assertThat(ProfileConfiguration.scan(environment(), new DefaultResourceLoader()).profiles())
			.containsExactly("cloud", "dev", "prod", "prodredis", "qa", "staging");
	}

	@Test
	void aMisspeltProfileIsWarnedAboutWithTheProfilesThatHaveConfiguration() throws Exception {
		files();
		postProcess("--spring.profiles.active=prdo");
		assertThat(this.warnings).singleElement()
			.asString()
			.contains("The active profile 'prdo' (spring.profiles.active=prdo in ")
			.contains("has no configuration: no application-prdo.yml")
			.contains("Profiles with configuration: cloud, dev, prod, prodredis, qa, staging.")
			.contains("add it to fail-fast.profiles.known");
	}

	@Test
	void profilesWithConfigurationPassSilently() throws Exception {
		files();
		postProcess("--spring.profiles.active=dev,qa,staging,prod");
		assertThat(this.warnings).isEmpty();
	}

	@Test
	void withFailAMisspeltProfileStopsStartupWithAnAnalysis() throws Exception {
		files();
		assertThatExceptionOfType(UnknownProfileException.class)
			.isThrownBy(() -> postProcess("--spring.profiles.active=dev,prdo", "--fail-fast.profiles.unknown=fail"))
			.satisfies((failure) -> {
				assertThat(failure.getUnknown()).containsExactly("prdo");
				FailureAnalysis analysis = new UnknownProfileFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription()).contains("'prdo'").contains("Active profiles: dev, prdo");
				assertThat(analysis.getAction()).contains("fail-fast.profiles.known");
			});
		assertThat(this.warnings).isEmpty();
	}

	@Test
	void aProfileOnlyProfileBeansUseIsKnownOnceDeclared() throws Exception {
		files();
		postProcess("--spring.profiles.active=metrics", "--fail-fast.profiles.unknown=fail",
				"--fail-fast.profiles.known=metrics,tracing");
		assertThat(this.warnings).isEmpty();
	}

	@Test
	void ignoreSaysNothing() throws Exception {
		files();
		postProcess("--spring.profiles.active=prdo", "--fail-fast.profiles.unknown=ignore");
		assertThat(this.warnings).isEmpty();
	}

	@Test
	void withoutAnActiveProfileThereIsNothingToCheck() throws Exception {
		files();
		postProcess("--fail-fast.profiles.unknown=fail");
		assertThat(this.warnings).isEmpty();
	}

	@Test
	void aValueThatIsNotAChoiceStopsStartup() throws Exception {
		files();
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> postProcess("--spring.profiles.active=dev", "--fail-fast.profiles.unknown=loud"))
			.withMessageContaining("fail-fast.profiles.unknown");
	}

	private void files() throws Exception {
		Files.writeString(this.config.resolve("application.yml"), """
				spring.profiles.group.prod: [prodredis]
				---
				spring.config.activate.on-profile: staging & !cloud
				server.port: 9090
				""");
		Files.writeString(this.config.resolve("application-dev.yml"), "server.port: 8081\n");
		Files.writeString(this.config.resolve("application-qa.properties"), "server.port=8082\n");
	}

	private StandardEnvironment environment(String... arguments) {
		return ConfigDataEnvironments.load(this.config, arguments);
	}

	private void postProcess(String... arguments) {
		Log log = (Log) Proxy.newProxyInstance(Log.class.getClassLoader(), new Class<?>[] { Log.class },
				(proxy, method, args) -> {
					if (method.getName().equals("warn")) {
						this.warnings.add(String.valueOf(args[0]));
					}
					return method.getReturnType().equals(boolean.class) ? true : null;
				});
		new UnknownProfileEnvironmentPostProcessor((destination) -> log).postProcessEnvironment(environment(arguments),
				new SpringApplication());
	}

}
