package io.github.bootconcurrency.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.bootconcurrency.autoconfigure.admission.ProbePaths;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.admission.RequestGateFilter;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the health probes that {@link ConcurrencyAutoConfiguration} lets past the
 * request gate: the probe paths follow the actuator's base path, health mapping, the
 * dispatcher servlet's path and the additional paths, a user's own probe paths replace
 * them, the gate's filter lets a bounded number of probes through uncounted and passes
 * the rest through the gate, and without the actuator nothing gets past it.
 */
class ProbePathsAutoConfigurationTests {

	private final WebApplicationContextRunner runner = ConcurrencyContexts.runner();

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
			List<CompletableFuture<Void>> probes = new ArrayList<>();
			for (int i = 0; i < RequestGateFilter.MAX_PROBES_IN_FLIGHT; i++) {
				probes.add(CompletableFuture.runAsync(() -> doFilter(filter, "/actuator/health/liveness", () -> {
					probesInHandler.incrementAndGet();
					release.await();
				}), Thread.ofVirtual()::start));
			}
			await().atMost(Duration.ofSeconds(5))
				.until(() -> probesInHandler.get() == RequestGateFilter.MAX_PROBES_IN_FLIGHT);
			doFilter(filter, "/actuator/health/liveness", () -> gated.set(gate.getInFlight()));
			release.countDown();
			// A probe that failed or never ended fails the test: its thread alone would
			// know.
			CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
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
	void userDefinedProbePathsReplaceTheActuatorsOnes() {
		this.runner.withBean(ProbePaths.class, ProbePaths::none).run((context) -> {
			filter(context, "/actuator/health/liveness");
			assertThat(context.getBean(RequestGate.class).getCompleted()).isOne();
		});
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

}
