package io.github.bootconcurrency.autoconfigure.aot;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.bootconcurrency.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.web.context.servlet.AnnotationConfigServletWebApplicationContext;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.test.tools.CompileWithForkedClassLoader;
import org.springframework.core.test.tools.TestCompiler;
import org.springframework.javapoet.ClassName;
import org.springframework.web.context.support.GenericWebApplicationContext;
import org.springframework.web.context.support.StandardServletEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for the concurrency model of an application processed ahead of time: Spring's own
 * AOT generator on the starter's auto-configuration, the generated code compiled and run
 * in a fresh context, as {@code -Dspring.aot.enabled=true} and a native image run it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@CompileWithForkedClassLoader
class AheadOfTimeModelTests {

	@Test
	void builtForVirtualRunsVirtualWithItsCapInForce() {
		Map<String, Object> prod = Map.of("concurrency.model", "virtual", "concurrency.virtual.max-concurrent-requests",
				"7", "concurrency.virtual.queue-timeout", "3s");
		compile(prod, (initializer) -> {
			try (GenericApplicationContext context = run(initializer, prod)) {
				assertThat(context.getBean(ConcurrencySettings.class).decision().model())
					.isEqualTo(ConcurrencyModel.VIRTUAL);
				RequestGate gate = context.getBean(RequestGate.class);
				assertThat(gate.getLimit()).isEqualTo(7);
				assertThat(gate.getQueueTimeout()).isEqualTo(Duration.ofSeconds(3));
			}
		});
	}

	@Test
	void builtForVirtualAndStartedWithPlatformStopsNamingBothModelsAndWhereEachWasSet() {
		compile(Map.of("concurrency.model", "virtual"),
				(initializer) -> assertThatThrownBy(() -> run(initializer,
						Map.of("concurrency.model", "platform", "spring.profiles.active", "dev")))
					.isInstanceOf(AheadOfTimeModelMismatchException.class)
					.satisfies((failure) -> {
						AheadOfTimeModelMismatchException mismatch = (AheadOfTimeModelMismatchException) failure;
						assertThat(mismatch.getBuiltModel()).isEqualTo(ConcurrencyModel.VIRTUAL);
						assertThat(mismatch.getStartedModel()).isEqualTo(ConcurrencyModel.PLATFORM);
						assertThat(mismatch.getMessage())
							.contains("built ahead of time for the concurrency model 'virtual'")
							.contains(
									"concurrency.model=virtual (from \"concurrency.model\" from property source \"build\")")
							.contains("at startup the settings choose 'platform'")
							.contains(
									"concurrency.model=platform (from \"concurrency.model\" from property source \"run\")")
							.contains("spring.profiles.active=dev");
					}));
	}

	@Test
	void builtWithTheDefaultAndStartedWithVirtualStopsToo() {
		compile(Map.of(),
				(initializer) -> assertThatThrownBy(() -> run(initializer, Map.of("concurrency.model", "virtual")))
					.isInstanceOf(AheadOfTimeModelMismatchException.class)
					.hasMessageContaining("the concurrency model 'platform' (chosen by the default")
					.hasMessageContaining("at startup the settings choose 'virtual'"));
	}

	@Test
	void multiJvmIsRefusedWhenTheContextIsProcessed() {
		GenericWebApplicationContext context = processable(Map.of("concurrency.model", "multi-jvm"));
		assertThatThrownBy(() -> new ApplicationContextAotGenerator().processAheadOfTime(context,
				new TestGenerationContext(AheadOfTimeModelTests.class)))
			.hasCauseInstanceOf(AheadOfTimeUnsupportedException.class)
			.hasMessageContaining("The concurrency model 'multi-jvm' (chosen by concurrency.model=multi-jvm")
			.hasMessageContaining("this is ahead-of-time processing of the application context");
	}

	@Test
	void theDescriptionNamesIncludedProfilesBesideActiveOnes() {
		StandardServletEnvironment environment = new StandardServletEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("test", Map.of("concurrency.model", "virtual", "spring.profiles.active",
					"prod", "spring.profiles.include", "metrics")));
		assertThat(AheadOfTimeModel.describe(environment)).contains("spring.profiles.active=prod")
			.contains("spring.profiles.include=metrics");
	}

	@Test
	void analysisNamesBothModelsAndHowToSettleIt() {
		FailureAnalysis analysis = new AheadOfTimeModelMismatchFailureAnalyzer()
			.analyze(new AheadOfTimeModelMismatchException(ConcurrencyModel.VIRTUAL, "concurrency.model=virtual (prod)",
					ConcurrencyModel.PLATFORM, "concurrency.model=platform (dev)"));
		assertThat(analysis.getDescription()).contains("'virtual'").contains("'platform'").contains("(prod)");
		assertThat(analysis.getAction()).contains("Start the application with the profiles and keys it was built with")
			.contains("or process it ahead of time again");
	}

	private void compile(Map<String, Object> build,
			Consumer<ApplicationContextInitializer<GenericApplicationContext>> run) {
		TestGenerationContext generation = new TestGenerationContext(AheadOfTimeModelTests.class);
		ClassName initializerName = new ApplicationContextAotGenerator().processAheadOfTime(processable(build),
				generation);
		generation.writeGeneratedContent();
		TestCompiler.forSystem().with(generation).compile((compiled) -> {
			@SuppressWarnings("unchecked")
			ApplicationContextInitializer<GenericApplicationContext> initializer = compiled
				.getInstance(ApplicationContextInitializer.class, initializerName.reflectionName());
			run.accept(initializer);
		});
	}

	private static GenericWebApplicationContext processable(Map<String, Object> build) {
		AnnotationConfigServletWebApplicationContext context = new AnnotationConfigServletWebApplicationContext();
		context.setEnvironment(environment("build", build));
		context.register(ConcurrencyAutoConfiguration.class);
		return context;
	}

	private static GenericApplicationContext run(ApplicationContextInitializer<GenericApplicationContext> initializer,
			Map<String, Object> settings) {
		GenericWebApplicationContext context = new GenericWebApplicationContext();
		context.setEnvironment(environment("run", settings));
		initializer.initialize(context);
		context.refresh();
		return context;
	}

	private static StandardServletEnvironment environment(String name, Map<String, Object> settings) {
		StandardServletEnvironment environment = new StandardServletEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource(name, settings));
		return environment;
	}

}
