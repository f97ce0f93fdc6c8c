package io.github.bootconcurrency.autoconfigure.environment;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

import org.springframework.aot.AotDetector;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationAotProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.aot.AbstractAotProcessor;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for {@link AheadOfTimeEnvironmentPostProcessor}: Spring's own AOT processor on a
 * real application, and an application run as if with generated code.
 */
@ResourceLock(value = Resources.SYSTEM_PROPERTIES, mode = ResourceAccessMode.READ_WRITE)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AheadOfTimeEnvironmentPostProcessorTests {

	@AfterEach
	void clearAotFlags() {
		System.clearProperty(AotDetector.AOT_ENABLED);
		System.clearProperty(AbstractAotProcessor.AOT_PROCESSING);
	}

	@Test
	void springAotProcessingOfAnApplicationStopsAtOnceSayingWhy(@TempDir Path output) {
		AbstractAotProcessor.Settings settings = AbstractAotProcessor.Settings.builder()
			.sourceOutput(output.resolve("sources"))
			.resourceOutput(output.resolve("resources"))
			.classOutput(output.resolve("classes"))
			.groupId("com.example")
			.artifactId("app")
			.build();
		SpringApplicationAotProcessor processor = new SpringApplicationAotProcessor(AotApplication.class, settings,
				new String[] { "--spring.main.web-application-type=none" });
		assertThatThrownBy(processor::process).satisfies((failure) -> assertThat(cause(failure)).isNotNull()
			.extracting(AheadOfTimeUnsupportedException::getDetected)
			.asString()
			.startsWith("a Spring AOT build (spring.aot.processing=true"));
		assertThat(output.resolve("sources")).doesNotExist();
	}

	@Test
	void anApplicationRunWithGeneratedCodeStopsBeforeLookingForIt() {
		System.setProperty(AotDetector.AOT_ENABLED, "true");
		SpringApplication application = new SpringApplication(AotApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		// Deduced from a main method on the calling thread's stack, which a test run on a
		// thread of its own (for its timeout) does not have.
		application.setMainApplicationClass(AotApplication.class);
		assertThatThrownBy(application::run).isInstanceOf(AheadOfTimeUnsupportedException.class)
			.hasMessageContaining("spring.aot.enabled=true")
			.hasMessageContaining("runs on the JVM only");
	}

	@Test
	void onTheJvmWithoutAotNothingHappens() {
		assertThatNoException().isThrownBy(() -> new AheadOfTimeEnvironmentPostProcessor()
			.postProcessEnvironment(new StandardEnvironment(), new SpringApplication()));
	}

	@Test
	void analysisSaysHowToBuildForTheJvm() {
		FailureAnalysis analysis = new AheadOfTimeUnsupportedFailureAnalyzer()
			.analyze(new AheadOfTimeUnsupportedException("a GraalVM native image"));
		assertThat(analysis.getDescription()).contains("runs on the JVM only")
			.contains("this is a GraalVM native image")
			.contains("would freeze at build time");
		assertThat(analysis.getAction()).contains("remove the process-aot goal of spring-boot-maven-plugin")
			.contains("do not set spring.aot.enabled=true");
	}

	private static AheadOfTimeUnsupportedException cause(Throwable failure) {
		Throwable cause = failure;
		while (cause != null && !(cause instanceof AheadOfTimeUnsupportedException)) {
			cause = cause.getCause();
		}
		return (AheadOfTimeUnsupportedException) cause;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(
			excludeName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
	static class AotApplication {

		public static void main(String[] args) {
			SpringApplication.run(AotApplication.class, args);
		}

	}

}
