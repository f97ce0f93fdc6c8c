package io.github.bootconcurrency.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.bootconcurrency.autoconfigure.admission.AdaptiveLimitUnavailableException;
import io.github.bootconcurrency.autoconfigure.admission.ProbePaths;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.admission.RequestGateFilter;
import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.server.JettyConcurrencyCustomizer;
import io.github.bootconcurrency.autoconfigure.server.TomcatConcurrencyCustomizer;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;
import io.github.bootconcurrency.autoconfigure.settings.OpenFiles;
import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import io.github.bootconcurrency.autoconfigure.validation.Violation;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport.ConditionAndOutcomes;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ConcurrencyAutoConfiguration}.
 */
class ConcurrencyAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConcurrencyAutoConfiguration.class));

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
	void platformModelWithBootsVirtualThreadsFailsNamingBothKeys() {
		this.runner.withPropertyValues("concurrency.model=platform", "spring.threads.virtual.enabled=true")
			.run((context) -> assertThat(violation(context).key()).isEqualTo("concurrency.model"))
			.run((context) -> assertThat(violation(context).problem())
				.contains("contradicts spring.threads.virtual.enabled=true"));
	}

	@Test
	void virtualModelWithBootsVirtualThreadsSwitchedOffFailsNamingBothKeys() {
		this.runner.withPropertyValues("concurrency.model=virtual", "spring.threads.virtual.enabled=false")
			.run((context) -> {
				Violation violation = violation(context);
				assertThat(violation.key()).isEqualTo("concurrency.model");
				assertThat(violation.value()).isEqualTo("virtual");
				assertThat(violation.problem()).contains("spring.threads.virtual.enabled=false");
			});
	}

	@Test
	void maxThreadsThatDifferFromTomcatsOwnKeyFailNamingBothKeys() {
		this.runner.withPropertyValues("concurrency.platform.max-threads=4", "server.tomcat.threads.max=50")
			.run((context) -> {
				Violation violation = violation(context);
				assertThat(violation.key()).isEqualTo("concurrency.platform.max-threads");
				assertThat(violation.value()).isEqualTo(4);
				assertThat(violation.problem()).contains("server.tomcat.threads.max=50");
				assertThat(violation.action()).contains("server.tomcat.threads.max");
			});
	}

	@Test
	void differingKeepAliveOnJettyFailsEvenWhenWrittenInAnotherUnit() {
		this.runner
			.withPropertyValues("concurrency.keep-alive-timeout=20s", "server.jetty.connection-idle-timeout=5000ms")
			.run((context) -> assertThat(violation(context).problem())
				.contains("server.jetty.connection-idle-timeout=5000ms"));
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

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource({ "concurrency.platform.max-threads, 0, a whole number from 1 to 10000",
			"concurrency.platform.max-threads, -4, a whole number from 1 to 10000",
			"concurrency.platform.max-threads, 1000000, a whole number from 1 to 10000",
			"concurrency.platform.min-threads, -1, 0 to concurrency.platform.max-threads (200)",
			"concurrency.platform.min-threads, 201, 0 to concurrency.platform.max-threads (200)",
			"concurrency.virtual.max-concurrent-requests, 0, a whole number from 1 to 1000000",
			"concurrency.virtual.max-concurrent-requests, 2000000, a whole number from 1 to 1000000",
			"concurrency.virtual.queue-timeout, -1s, a duration from 0 to 1h",
			"concurrency.virtual.queue-timeout, 2h, a duration from 0 to 1h",
			"concurrency.virtual.min-concurrent-requests, 0, 1 to concurrency.virtual.max-concurrent-requests (10000)",
			"concurrency.virtual.min-concurrent-requests, 10001, 1 to concurrency.virtual.max-concurrent-requests (10000)",
			"concurrency.backlog, 0, a whole number from 1 to 65535",
			"concurrency.backlog, 100000, a whole number from 1 to 65535",
			"concurrency.max-connections, 0, at least concurrency.platform.max-threads (200)",
			"concurrency.max-connections, 199, at least concurrency.platform.max-threads (200)",
			"concurrency.keep-alive-timeout, -5s, a duration from 1ms to 1h",
			"concurrency.keep-alive-timeout, 0s, a duration from 1ms to 1h",
			"concurrency.request-timeout, -2s, a duration from 0 to 1h",
			"concurrency.request-timeout, 2h, a duration from 0 to 1h" })
	void invalidValueFailsStartupNamingTheKeyTheValueAndWhatIsAllowed(String key, String value, String allowed) {
		this.runner.withPropertyValues(key + "=" + value).run((context) -> {
			Violation violation = violation(context);
			assertThat(violation.key()).isEqualTo(key);
			assertThat(String.valueOf(violation.value())).isEqualTo(value);
			assertThat(violation.problem()).contains("allowed: " + allowed);
			assertThat(String.valueOf(violation.origin())).contains(key);
		});
	}

	@Test
	void connectionLimitBelowTheVirtualRequestCapFails() {
		this.runner
			.withPropertyValues("concurrency.model=virtual", "concurrency.virtual.max-concurrent-requests=5000",
					"concurrency.max-connections=4000")
			.run((context) -> {
				Violation violation = violation(context);
				assertThat(violation.key()).isEqualTo("concurrency.max-connections");
				assertThat(violation.problem()).contains("at least concurrency.virtual.max-concurrent-requests (5000)");
			});
	}

	@Test
	void adaptiveLimitStartsAtItsMinimumAndMayRiseToTheCap() {
		this.runner
			.withPropertyValues("concurrency.model=virtual", "concurrency.virtual.limit=adaptive",
					"concurrency.virtual.max-concurrent-requests=300", "concurrency.virtual.min-concurrent-requests=7")
			.run((context) -> {
				RequestGate gate = context.getBean(RequestGate.class);
				assertThat(gate.getLimit()).isEqualTo(7);
				assertThat(gate.getMaxLimit()).isEqualTo(300);
				assertThat(context.getBean(ConcurrencySettings.class).describe())
					.containsEntry("virtual.limit", "adaptive")
					.containsEntry("virtual.min-concurrent-requests", 7);
			});
	}

	@Test
	void adaptiveLimitsDefaultMinimumFollowsASmallerCap() {
		this.runner
			.withPropertyValues("concurrency.model=virtual", "concurrency.virtual.limit=adaptive",
					"concurrency.virtual.max-concurrent-requests=5")
			.run((context) -> assertThat(context.getBean(RequestGate.class).getLimit()).isEqualTo(5));
	}

	@Test
	void minimumAboveTheCapFailsNamingTheCap() {
		this.runner
			.withPropertyValues("concurrency.model=virtual", "concurrency.virtual.limit=adaptive",
					"concurrency.virtual.max-concurrent-requests=50", "concurrency.virtual.min-concurrent-requests=60")
			.run((context) -> {
				Violation violation = violation(context);
				assertThat(violation.key()).isEqualTo("concurrency.virtual.min-concurrent-requests");
				assertThat(violation.value()).isEqualTo(60L);
				assertThat(violation.problem())
					.contains("allowed: 1 to concurrency.virtual.max-concurrent-requests (50)");
			});
	}

	@Test
	void adaptiveLimitWithoutNetflixsLibraryFailsNamingTheKeyAndTheArtifact() {
		this.runner.withClassLoader(new FilteredClassLoader("com.netflix.concurrency.limits."))
			.withPropertyValues("concurrency.model=virtual", "concurrency.virtual.limit=adaptive")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				while (failure != null && !(failure instanceof AdaptiveLimitUnavailableException)) {
					failure = failure.getCause();
				}
				assertThat(failure).isInstanceOf(AdaptiveLimitUnavailableException.class)
					.hasMessageContaining("concurrency.virtual.limit=adaptive")
					.hasMessageContaining("com.netflix.concurrency-limits:concurrency-limits-core:0.5.4");
			});
	}

	@Test
	void fixedLimitDoesNotNeedNetflixsLibrary() {
		this.runner.withClassLoader(new FilteredClassLoader("com.netflix.concurrency.limits."))
			.withPropertyValues("concurrency.model=virtual", "concurrency.virtual.max-concurrent-requests=300")
			.run((context) -> assertThat(context.getBean(RequestGate.class).getLimit()).isEqualTo(300));
	}

	@Test
	void everyViolationIsReportedAtOnce() {
		this.runner
			.withPropertyValues("concurrency.platform.max-threads=0", "concurrency.backlog=-1",
					"concurrency.virtual.queue-timeout=-1s")
			.run((context) -> assertThat(exception(context).getViolations()).extracting(Violation::key)
				.containsExactlyInAnyOrder("concurrency.platform.max-threads", "concurrency.backlog",
						"concurrency.virtual.queue-timeout"));
	}

	@Test
	void unknownModelFailsListingTheAllowedModels() {
		this.runner.withPropertyValues("concurrency.model=gevent").run((context) -> {
			assertThat(context).hasFailed();
			String message = messages(context.getStartupFailure());
			assertThat(message).contains("concurrency.model")
				.contains("'gevent' is not a concurrency model; allowed: platform, virtual, multi-jvm");
		});
	}

	@Test
	void multiJvmModelReachingAnApplicationContextFailsBecauseOnlyTheMasterCanServeIt() {
		this.runner.withPropertyValues("concurrency.model=multi-jvm").run((context) -> {
			Violation violation = violation(context);
			assertThat(violation.key()).isEqualTo("concurrency.model");
			assertThat(violation.value()).isEqualTo("multi-jvm");
			assertThat(violation.problem()).startsWith("served by worker JVMs that the master starts")
				.endsWith("allowed here: platform, virtual");
		});
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
	void livenessAndReadinessUnderTheActuatorsBasePathAreTheProbePaths() {
		this.runner.run((context) -> assertThat(context.getBean(ProbePaths.class).getPaths())
			.containsExactlyInAnyOrder("/actuator/health/liveness", "/actuator/health/readiness"));
	}

	@Test
	void probePathsFollowTheBasePathTheHealthMappingTheDispatcherServletAndTheAdditionalPaths() {
		this.runner
			.withPropertyValues("management.endpoints.web.base-path=/manage/",
					"management.endpoints.web.path-mapping.health=healthz", "spring.mvc.servlet.path=/api",
					"management.endpoint.health.probes.add-additional-paths=true")
			.run((context) -> assertThat(context.getBean(ProbePaths.class).getPaths()).containsExactlyInAnyOrder(
					"/api/manage/healthz/liveness", "/api/manage/healthz/readiness", "/api/livez", "/api/readyz"));
	}

	@Test
	void aProbeGroupsOwnAdditionalPathOnTheServerReplacesTheDefaultOne() {
		this.runner
			.withPropertyValues("management.endpoints.web.base-path=/",
					"management.endpoint.health.probes.add-additional-paths=true",
					"management.endpoint.health.group.liveness.additional-path=server:/alive",
					"management.endpoint.health.group.readiness.additional-path=management:/ready")
			.run((context) -> assertThat(context.getBean(ProbePaths.class).getPaths())
				.containsExactlyInAnyOrder("/health/liveness", "/health/readiness", "/alive"));
	}

	@Test
	void onlyTheAdditionalPathsAreProbePathsWhenTheActuatorHasAPortOfItsOwn() {
		this.runner
			.withPropertyValues("management.server.port=9091",
					"management.endpoint.health.probes.add-additional-paths=true")
			.run((context) -> assertThat(context.getBean(ProbePaths.class).getPaths())
				.containsExactlyInAnyOrder("/livez", "/readyz"));
	}

	@Test
	void gateFilterLetsTheProbesThroughUncounted() {
		this.runner.run((context) -> {
			RequestGate gate = context.getBean(RequestGate.class);
			filter(context, "/actuator/health/liveness");
			assertThat(gate.getCompleted()).isZero();
			filter(context, "/actuator/health/liveness/");
			assertThat(gate.getCompleted()).isOne();
		});
	}

	@Test
	void probesPastTheGateAtOnceAreBoundedAndTheRestArePassedThroughIt() {
		this.runner.run((context) -> {
			RequestGate gate = context.getBean(RequestGate.class);
			RequestGateFilter filter = (RequestGateFilter) context.getBean(FilterRegistrationBean.class).getFilter();
			AtomicInteger probesInHandler = new AtomicInteger();
			AtomicInteger gated = new AtomicInteger();
			CountDownLatch release = new CountDownLatch(1);
			List<Thread> probes = new ArrayList<>();
			for (int i = 0; i < RequestGateFilter.MAX_PROBES_IN_FLIGHT; i++) {
				probes.add(Thread.ofVirtual().start(() -> doFilter(filter, "/actuator/health/liveness", () -> {
					probesInHandler.incrementAndGet();
					release.await();
				})));
			}
			await().atMost(Duration.ofSeconds(5))
				.until(() -> probesInHandler.get() == RequestGateFilter.MAX_PROBES_IN_FLIGHT);
			doFilter(filter, "/actuator/health/liveness", () -> gated.set(gate.getInFlight()));
			release.countDown();
			for (Thread probe : probes) {
				probe.join(Duration.ofSeconds(5));
			}
			assertThat(gated).as("the ninth probe was in the gate's count").hasValue(1);
			assertThat(gate.getCompleted()).isOne();
		});
	}

	@Test
	void withoutTheActuatorNothingGetsPastTheGate() {
		this.runner
			.withClassLoader(
					new FilteredClassLoader("org.springframework.boot.health.", "org.springframework.boot.actuate."))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ProbePaths.class);
				filter(context, "/actuator/health/liveness");
				assertThat(context.getBean(RequestGate.class).getCompleted()).isOne();
			});
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
	void userDefinedProbePathsReplaceTheActuatorsOnes() {
		this.runner.withBean(ProbePaths.class, ProbePaths::none).run((context) -> {
			filter(context, "/actuator/health/liveness");
			assertThat(context.getBean(RequestGate.class).getCompleted()).isOne();
		});
	}

	@Test
	void backsOffOutsideAServletWebApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ConcurrencyAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ConcurrencySettings.class)
				.doesNotHaveBean(RequestGate.class));
	}

	/**
	 * What a request's handler does, in the filter chain.
	 */
	@FunctionalInterface
	interface Handler {

		void handle() throws Exception;

	}

	private static void doFilter(Filter filter, String uri, Handler handler) {
		try {
			filter.doFilter(new MockHttpServletRequest("GET", uri), new MockHttpServletResponse(),
					(request, response) -> {
						try {
							handler.handle();
						}
						catch (Exception ex) {
							throw new IllegalStateException(ex);
						}
					});
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void filter(AssertableWebApplicationContext context, String uri) throws Exception {
		Filter filter = context.getBean(FilterRegistrationBean.class).getFilter();
		MockHttpServletRequest request = new MockHttpServletRequest("GET", uri);
		filter.doFilter(request, new MockHttpServletResponse(), new MockFilterChain());
	}

	private static Violation violation(AssertableWebApplicationContext context) {
		InvalidSettingsException exception = exception(context);
		assertThat(exception.getViolations()).hasSize(1);
		return exception.getViolations().get(0);
	}

	private static InvalidSettingsException exception(AssertableWebApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		while (failure != null && !(failure instanceof InvalidSettingsException)) {
			failure = failure.getCause();
		}
		assertThat(failure).as("startup failure caused by InvalidSettingsException").isNotNull();
		return (InvalidSettingsException) failure;
	}

	private static String messages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomGateConfiguration {

		@Bean
		RequestGate customGate() {
			return new RequestGate(7, null);
		}

	}

}
