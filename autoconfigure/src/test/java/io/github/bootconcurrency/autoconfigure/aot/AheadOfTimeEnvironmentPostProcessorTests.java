package io.github.bootconcurrency.autoconfigure.aot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for {@link AheadOfTimeEnvironmentPostProcessor}: Spring's own AOT processor on a
 * real application, and an application run as if with generated code. The code generated
 * for {@code platform} and {@code virtual} is compiled and run in
 * {@link AheadOfTimeModelTests}.
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
	void springAotProcessingOfAMultiJvmApplicationStopsBeforeTheMasterSayingWhy(@TempDir Path output) {
		SpringApplicationAotProcessor processor = new SpringApplicationAotProcessor(AotApplication.class,
				settings(output), new String[] { "--spring.main.web-application-type=none",
						"--concurrency.model=multi-jvm", "--concurrency.multi-jvm.workers=1" });
		assertThatThrownBy(processor::process).satisfies((failure) -> assertThat(cause(failure)).isNotNull()
			.satisfies((refusal) -> assertThat(refusal.getDetected())
				.startsWith("a Spring AOT build (spring.aot.processing=true"))
			.satisfies((refusal) -> assertThat(refusal.getMessage()).contains(
					"The concurrency model 'multi-jvm' (chosen by concurrency.model=multi-jvm (from \"concurrency.model\" "
							+ "from property source \"commandLineArgs\")")));
		assertThat(output.resolve("sources")).doesNotExist();
	}

	@Test
	void springAotProcessingOfAVirtualApplicationWritesItsModelIntoTheGeneratedCode(@TempDir Path output)
			throws IOException {
		SpringApplicationAotProcessor processor = new SpringApplicationAotProcessor(AotApplication.class,
				settings(output), new String[] { "--spring.main.web-application-type=servlet",
						"--concurrency.model=virtual", "--spring.profiles.active=prod" });
		processor.process();
		String generated;
		try (Stream<Path> files = Files.walk(output.resolve("sources"))) {
			generated = files.filter((file) -> file.toString().endsWith(".java")).map((file) -> {
				try {
					return Files.readString(file);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}).collect(Collectors.joining("\n"));
		}
		assertThat(generated).contains("AheadOfTimeModel.verify(environment, ConcurrencyModel.VIRTUAL, "
				+ "\"concurrency.model=virtual (from \\\"concurrency.model\\\" from property source "
				+ "\\\"commandLineArgs\\\"), with spring.profiles.active=prod");
	}

	@Test
	void aMultiJvmApplicationRunWithGeneratedCodeStopsBeforeTheMasterAndBeforeLookingForTheCode() {
		System.setProperty(AotDetector.AOT_ENABLED, "true");
		SpringApplication application = new SpringApplication(AotApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		// Deduced from a main method on the calling thread's stack, which a test run on a
		// thread of its own (for its timeout) does not have.
		application.setMainApplicationClass(AotApplication.class);
		assertThatThrownBy(() -> application.run("--concurrency.model=multi-jvm"))
			.isInstanceOf(AheadOfTimeUnsupportedException.class)
			.hasMessageContaining("spring.aot.enabled=true")
			.hasMessageContaining("'multi-jvm'")
			.hasMessageContaining("runs on the JVM only");
	}

	@Test
	void onTheJvmWithoutAotNothingHappens() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("test", Map.of("concurrency.model", "multi-jvm")));
		assertThatNoException().isThrownBy(() -> new AheadOfTimeEnvironmentPostProcessor()
			.postProcessEnvironment(environment, new SpringApplication()));
	}

	@Test
	void analysisSaysHowToBuildForTheJvmOrChooseAModelThatCanBeProcessed() {
		FailureAnalysis analysis = new AheadOfTimeUnsupportedFailureAnalyzer().analyze(
				new AheadOfTimeUnsupportedException("a GraalVM native image", "concurrency.model=multi-jvm (prod)"));
		assertThat(analysis.getDescription()).contains("'multi-jvm' (chosen by concurrency.model=multi-jvm (prod))")
			.contains("runs on the JVM only")
			.contains("this is a GraalVM native image");
		assertThat(analysis.getAction()).contains("remove the process-aot goal of spring-boot-maven-plugin")
			.contains("do not set spring.aot.enabled=true")
			.contains("choose concurrency.model platform or virtual");
	}

	private static AbstractAotProcessor.Settings settings(Path output) {
		return AbstractAotProcessor.Settings.builder()
			.sourceOutput(output.resolve("sources"))
			.resourceOutput(output.resolve("resources"))
			.classOutput(output.resolve("classes"))
			.groupId("com.example")
			.artifactId("app")
			.build();
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
