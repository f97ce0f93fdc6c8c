package io.github.bootconcurrency.autoconfigure.actuate;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ConcurrencyMetricsAutoConfiguration}.
 */
class ConcurrencyMetricsAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				ConcurrencyAutoConfiguration.class, ConcurrencyMetricsAutoConfiguration.class));

	@Test
	void publishesTheGatesLiveFiguresTaggedWithTheModel() {
		this.runner.withPropertyValues("concurrency.model=virtual", "concurrency.virtual.max-concurrent-requests=4")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				RequestGate gate = context.getBean(RequestGate.class);
				assertThat(gate.enter()).isTrue();
				assertThat(gate.enter()).isTrue();
				gate.exit();
				assertThat(registry.get("concurrency.requests.limit").tag("model", "virtual").gauge().value())
					.isEqualTo(4);
				assertThat(registry.get("concurrency.requests.active").tag("model", "virtual").gauge().value())
					.isEqualTo(1);
				assertThat(registry.get("concurrency.requests.peak").tag("model", "virtual").gauge().value())
					.isEqualTo(2);
				assertThat(registry.get("concurrency.requests.completed")
					.tag("model", "virtual")
					.functionCounter()
					.count()).isEqualTo(1);
				assertThat(registry.get("concurrency.requests.waiting").gauge().value()).isZero();
				assertThat(registry.get("concurrency.requests.rejected").functionCounter().count()).isZero();
			});
	}

	@Test
	void waitTimerShowsHowLongAQueuedRequestWaitedAndCountsThoseAdmittedAtOnce() {
		this.runner
			.withPropertyValues("concurrency.model=virtual", "concurrency.virtual.max-concurrent-requests=1",
					"concurrency.virtual.queue-timeout=10s")
			.run((context) -> {
				Filter filter = context.getBean(FilterRegistrationBean.class).getFilter();
				RequestGate gate = context.getBean(RequestGate.class);
				CountDownLatch release = new CountDownLatch(1);
				CompletableFuture<Void> holder = inThreadOfItsOwn(() -> doFilter(filter, release::await));
				await().atMost(Duration.ofSeconds(5)).until(() -> gate.getInFlight() == 1);
				MockHttpServletResponse queuedResponse = new MockHttpServletResponse();
				CompletableFuture<Void> queued = inThreadOfItsOwn(() -> doFilter(filter, queuedResponse, () -> {
				}));
				await().atMost(Duration.ofSeconds(5)).until(() -> gate.getWaiting() == 1);
				Thread.sleep(200);
				release.countDown();
				// A failure in a request's thread fails the test, and so does a request
				// that never ends: a response left at its default status would look
				// like a 200.
				holder.get(5, TimeUnit.SECONDS);
				queued.get(5, TimeUnit.SECONDS);
				assertThat(queuedResponse.getStatus()).isEqualTo(200);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				Timer admitted = registry.get("concurrency.requests.wait")
					.tag("model", "virtual")
					.tag("outcome", "admitted")
					.timer();
				assertThat(admitted.count()).as("the request admitted at once is counted too").isEqualTo(2);
				assertThat(admitted.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(200);
				assertThat(admitted.totalTime(TimeUnit.MILLISECONDS))
					.isLessThan(2 * admitted.max(TimeUnit.MILLISECONDS));
				assertThat(registry.get("concurrency.requests.wait").tag("outcome", "rejected").timer().count())
					.isZero();
			});
	}

	@Test
	void waitTimerRecordsTheWholeQueueTimeoutOfARejectedRequest() {
		this.runner
			.withPropertyValues("concurrency.model=virtual", "concurrency.virtual.max-concurrent-requests=1",
					"concurrency.virtual.queue-timeout=150ms")
			.run((context) -> {
				Filter filter = context.getBean(FilterRegistrationBean.class).getFilter();
				RequestGate gate = context.getBean(RequestGate.class);
				CountDownLatch release = new CountDownLatch(1);
				CompletableFuture<Void> holder = inThreadOfItsOwn(() -> doFilter(filter, release::await));
				await().atMost(Duration.ofSeconds(5)).until(() -> gate.getInFlight() == 1);
				MockHttpServletResponse rejectedResponse = new MockHttpServletResponse();
				doFilter(filter, rejectedResponse, () -> {
				});
				release.countDown();
				holder.get(5, TimeUnit.SECONDS);
				assertThat(rejectedResponse.getStatus()).isEqualTo(503);
				Timer rejected = context.getBean(MeterRegistry.class)
					.get("concurrency.requests.wait")
					.tag("model", "virtual")
					.tag("outcome", "rejected")
					.timer();
				assertThat(rejected.count()).isOne();
				assertThat(rejected.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(150);
			});
	}

	@Test
	void backsOffWithoutMicrometerAndTheRestStillStarts() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer."))
			.withPropertyValues("concurrency.model=virtual")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ConcurrencyMeterBinder.class)
				.doesNotHaveBean(MeterFilter.class)
				.hasSingleBean(RequestGate.class));
	}

	@Test
	void dropsTomcatsThreadGaugesUnderTheVirtualModel() {
		this.runner.withPropertyValues("concurrency.model=virtual").run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			registry.gauge("tomcat.threads.busy", -1);
			assertThat(registry.find("tomcat.threads.busy").gauge()).isNull();
		});
	}

	@Test
	void keepsTomcatsThreadGaugesUnderThePlatformModel() {
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			registry.gauge("tomcat.threads.busy", 3);
			assertThat(registry.find("tomcat.threads.busy").gauge()).isNotNull();
			assertThat(registry.get("concurrency.requests.limit").tag("model", "platform").gauge().value())
				.isEqualTo(200);
		});
	}

	/**
	 * What a request's handler does, in the filter chain.
	 */
	@FunctionalInterface
	interface Handler {

		void handle() throws Exception;

	}

	/**
	 * Run a request on a platform thread of its own, as a server would.
	 */
	private static CompletableFuture<Void> inThreadOfItsOwn(Runnable request) {
		return CompletableFuture.runAsync(request, Thread.ofPlatform()::start);
	}

	private static void doFilter(Filter filter, Handler handler) {
		doFilter(filter, new MockHttpServletResponse(), handler);
	}

	private static void doFilter(Filter filter, MockHttpServletResponse response, Handler handler) {
		try {
			filter.doFilter(new MockHttpServletRequest("GET", "/"), response, (request, ignored) -> {
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

}
