package io.github.bootconcurrency.autoconfigure;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.admission.RequestGateFilter;
import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmProperties;
import io.github.bootconcurrency.autoconfigure.server.JettyConcurrencyCustomizer;
import io.github.bootconcurrency.autoconfigure.server.TomcatConcurrencyCustomizer;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencyProperties;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;
import io.github.bootconcurrency.autoconfigure.settings.OpenFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport.ConditionAndOutcomes;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConcurrencyAutoConfiguration}: which model it chooses and why, the
 * settings each model gets by default, the server's own keys it adopts, the gate a user
 * may replace, the servers it customizes, and that it backs off outside a servlet web
 * application. Invalid settings are {@link ConcurrencySettingsValidationTests}'s, the
 * adaptive limit {@link AdaptiveLimitAutoConfigurationTests}'s and the probes that get
 * past the gate {@link ProbePathsAutoConfigurationTests}'.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConcurrencyAutoConfigurationTests {

	private final WebApplicationContextRunner runner = ConcurrencyContexts.runner();

	@Test
	void defaultsToThePlatformModelWithTomcatsDefaultPoolAndGunicornsBacklog() {
		this.runner.run((context) -> {
			ConcurrencySettings settings = context.getBean(ConcurrencySettings.class);
			assertThat(settings.model()).isEqualTo(ConcurrencyModel.PLATFORM);
			assertThat(settings.decision().reason()).startsWith("default (concurrency.model is not set)");
			assertThat(settings.maxThreads()).isEqualTo(200);
			assertThat(settings.minThreads()).isEqualTo(10);
			assertThat(settings.backlog()).isEqualTo(2048);
			// Every descriptor but an eighth: idle keep-alive clients hold no thread.
			long openFiles = OpenFiles.limit();
			assertThat(settings.maxConnections())
				.isEqualTo((int) Math.min(1_000_000, openFiles - Math.max(256, openFiles / 8)));
			assertThat(settings.sources()).containsEntry("concurrency.max-connections", "default: the open-file limit ("
					+ openFiles + ") less " + Math.max(256, openFiles / 8) + " kept for the application's own files");
			assertThat(settings.keepAliveTimeout()).isEqualTo(Duration.ofSeconds(20));
			assertThat(settings.queueTimeout()).isNull();
			RequestGate gate = context.getBean(RequestGate.class);
			assertThat(gate.getLimit()).isEqualTo(200);
			assertThat(gate.getQueueTimeout()).isNull();
			assertThat(context).hasSingleBean(TomcatConcurrencyCustomizer.class)
				.hasSingleBean(JettyConcurrencyCustomizer.class);
			assertThat(context.getBean(FilterRegistrationBean.class).getFilter()).isInstanceOf(RequestGateFilter.class);
		});
	}

	@Test
	void bothPropertiesClassesAreBeansSoThatConfigpropsShowsThem() {
		this.runner.withPropertyValues("concurrency.multi-jvm.workers=3", "concurrency.backlog=100").run((context) -> {
			assertThat(context.getBean(ConcurrencyProperties.class).getBacklog()).isEqualTo(100);
			assertThat(context.getBean(MultiJvmProperties.class).getWorkers()).isEqualTo("3");
		});
	}

	@Test
	void virtualModelCapsRequestsInFlightAndLetsTenThousandRunAtOnceByDefault() {
		this.runner.withPropertyValues("concurrency.model=virtual").run((context) -> {
			ConcurrencySettings settings = context.getBean(ConcurrencySettings.class);
			assertThat(settings.model()).isEqualTo(ConcurrencyModel.VIRTUAL);
			assertThat(settings.requestLimit()).isGreaterThanOrEqualTo(10_000);
			assertThat(settings.queueTimeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(settings.maxConnections()).isEqualTo(settings.requestLimit() + settings.backlog());
			assertThat(settings.sources()).containsKey("concurrency.max-connections");
			RequestGate gate = context.getBean(RequestGate.class);
			assertThat(gate.getLimit()).isEqualTo(settings.requestLimit());
			assertThat(gate.getQueueTimeout()).isEqualTo(Duration.ofSeconds(30));
		});
	}

	@Test
	void maxThreadsAloneBelowTheDefaultMinimumLowersTheMinimum() {
		this.runner.withPropertyValues("concurrency.platform.max-threads=4").run((context) -> {
			ConcurrencySettings settings = context.getBean(ConcurrencySettings.class);
			assertThat(settings.maxThreads()).isEqualTo(4);
			assertThat(settings.minThreads()).isEqualTo(4);
		});
	}

	@Test
	void modelNameIsReadInAnyRelaxedForm() {
		this.runner.withPropertyValues("concurrency.model=VIRTUAL")
			.run((context) -> assertThat(context.getBean(ConcurrencySettings.class).model())
				.isEqualTo(ConcurrencyModel.VIRTUAL));
	}

	@Test
	void bootsVirtualThreadsSwitchAloneChoosesTheVirtualModel() {
		this.runner.withPropertyValues("spring.threads.virtual.enabled=true").run((context) -> {
			ConcurrencySettings settings = context.getBean(ConcurrencySettings.class);
			assertThat(settings.model()).isEqualTo(ConcurrencyModel.VIRTUAL);
			assertThat(settings.decision().reason()).startsWith("spring.threads.virtual.enabled=true");
		});
	}

	@Test
	void agreeingModelAndVirtualThreadsSwitchAreAccepted() {
		this.runner.withPropertyValues("concurrency.model=virtual", "spring.threads.virtual.enabled=true")
			.run((context) -> assertThat(context.getBean(ConcurrencySettings.class).model())
				.isEqualTo(ConcurrencyModel.VIRTUAL));
	}

	@Test
	void sameValueInOurKeyAndTheServersKeyIsAccepted() {
		this.runner.withPropertyValues("concurrency.keep-alive-timeout=20s", "server.tomcat.keep-alive-timeout=20000ms")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void serverKeysSetAloneAreAdoptedAndTheirSourceIsShown() {
		this.runner
			.withPropertyValues("server.tomcat.threads.max=50", "server.tomcat.threads.min-spare=5",
					"server.tomcat.accept-count=300", "server.jetty.max-connections=1000")
			.run((context) -> {
				ConcurrencySettings settings = context.getBean(ConcurrencySettings.class);
				assertThat(settings.maxThreads()).isEqualTo(50);
				assertThat(settings.minThreads()).isEqualTo(5);
				assertThat(settings.backlog()).isEqualTo(300);
				assertThat(settings.maxConnections()).isEqualTo(1000);
				assertThat(settings.sources()).containsEntry("concurrency.platform.max-threads",
						"server.tomcat.threads.max=50 (from \"server.tomcat.threads.max\" from property source \"test\")");
				assertThat(context.getBean(RequestGate.class).getLimit()).isEqualTo(50);
			});
	}

	@Test
	void tomcatThreadKeysAreNotReconciledUnderTheVirtualModel() {
		this.runner.withPropertyValues("concurrency.model=virtual", "server.tomcat.threads.max=50")
			.run((context) -> assertThat(context.getBean(ConcurrencySettings.class).requestLimit()).isEqualTo(10_000));
	}

	@Test
	void conditionReportSaysWhichModelWonAndWhy() {
		this.runner.withPropertyValues("concurrency.model=virtual").run((context) -> {
			ConditionEvaluationReport report = ConditionEvaluationReport.get(context.getBeanFactory());
			ConditionAndOutcomes virtual = report.getConditionAndOutcomesBySource()
				.get(ConcurrencyAutoConfiguration.VirtualModelConfiguration.class.getName());
			ConditionAndOutcomes platform = report.getConditionAndOutcomesBySource()
				.get(ConcurrencyAutoConfiguration.PlatformModelConfiguration.class.getName());
			assertThat(virtual.isFullMatch()).isTrue();
			assertThat(virtual.iterator().next().getOutcome().getMessage())
				.contains("concurrency model 'virtual' chosen by concurrency.model=virtual");
			assertThat(platform.isFullMatch()).isFalse();
		});
	}

	@Test
	void userDefinedRequestGateReplacesTheModelsGate() {
		this.runner.withUserConfiguration(CustomGateConfiguration.class)
			.run((context) -> assertThat(context.getBean(RequestGate.class).getLimit()).isEqualTo(7));
	}

	@Test
	void withoutJettyOnlyTomcatIsCustomized() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.jetty.", "org.eclipse.jetty."))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(TomcatConcurrencyCustomizer.class)
				.doesNotHaveBean(JettyConcurrencyCustomizer.class));
	}

	@Test
	void undertowIsNotNeededToServe() {
		this.runner.withClassLoader(new FilteredClassLoader("io.undertow.", "org.xnio."))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(RequestGate.class)
				.hasSingleBean(TomcatConcurrencyCustomizer.class)
				.hasSingleBean(JettyConcurrencyCustomizer.class));
	}

	@Test
	void backsOffOutsideAServletWebApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ConcurrencyAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ConcurrencySettings.class)
				.doesNotHaveBean(RequestGate.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomGateConfiguration {

		@Bean
		RequestGate customGate() {
			return new RequestGate(7, null);
		}

	}

}
