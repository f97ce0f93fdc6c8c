package io.github.bootconcurrency.autoconfigure.redis;

import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for how {@link RedisFailFastAutoConfiguration} meets the actuator's health
 * groups, against a real Redis server: readiness leaves Redis out unless asked, liveness
 * never has it, Redis is still checked at startup without the actuator, and without
 * Spring Data Redis the check backs off and the rest starts.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisFailFastHealthTests extends RedisFailFastHarness {

	/**
	 * The actuator's health endpoint with Kubernetes-style probes, and Redis's health
	 * contributor.
	 */
	private static final AutoConfigurations HEALTH = AutoConfigurations.of(
			ApplicationAvailabilityAutoConfiguration.class, HealthContributorAutoConfiguration.class,
			HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
			AvailabilityHealthContributorAutoConfiguration.class, AvailabilityProbesAutoConfiguration.class,
			DataRedisHealthContributorAutoConfiguration.class);

	@Test
	void readinessLeavesRedisOutByDefaultWhileHealthStillShowsIt() {
		RedisServer redis = track(RedisServer.start());
		this.runner.withConfiguration(HEALTH)
			.withPropertyValues("spring.data.redis.port=" + redis.port())
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(RedisStartupCheck.class)
					.doesNotHaveBean(RedisReadinessHealthEndpointGroupsPostProcessor.class);
				HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
				assertThat(groups.get("readiness").isMember("redis")).isFalse();
				assertThat(groups.getPrimary().isMember("redis")).isTrue();
			});
	}

	@Test
	void readinessIncludesRedisWhenAskedAndLivenessNever() {
		RedisServer redis = track(RedisServer.start());
		this.runner.withConfiguration(HEALTH)
			.withPropertyValues("spring.data.redis.port=" + redis.port(), "fail-fast.redis.readiness=true")
			.run((context) -> {
				HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
				assertThat(groups.get("readiness").isMember("redis")).isTrue();
				assertThat(groups.get("readiness").isMember("readinessState")).isTrue();
				assertThat(groups.get("liveness").isMember("redis")).isFalse();
			});
	}

	@Test
	void withoutTheActuatorRedisIsStillCheckedAtStartup() {
		RedisServer redis = track(RedisServer.start());
		// Spring Boot's health auto-configurations are left out too, as without the
		// actuator an application has none.
		this.runner
			.withClassLoader(
					new FilteredClassLoader("org.springframework.boot.health.", "org.springframework.boot.actuate."))
			.withPropertyValues("spring.data.redis.port=" + redis.port(), "fail-fast.redis.readiness=true")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(RedisStartupCheck.class)
				.doesNotHaveBean(RedisReadinessHealthEndpointGroupsPostProcessor.class));
	}

	@Test
	void backsOffWithoutSpringDataRedisAndTheRestStillStarts() {
		this.runner.withConfiguration(HEALTH)
			.withClassLoader(new FilteredClassLoader("org.springframework.data.redis.", "io.lettuce."))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(RedisStartupCheck.class)
				.doesNotHaveBean(FailFastRedisProperties.class)
				.hasSingleBean(HealthEndpointGroups.class));
	}

}
