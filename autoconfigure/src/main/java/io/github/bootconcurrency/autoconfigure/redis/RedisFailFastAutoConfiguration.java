package io.github.bootconcurrency.autoconfigure.redis;

import io.github.bootconcurrency.autoconfigure.scope.ConditionalOnStarterEnabled;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration that checks the application's Redis connection at startup and, when
 * asked to ({@code fail-fast.redis.readiness=true}), adds Redis to the readiness health
 * group.
 */
// After the probes too: their post-processor adds a readiness group of its own when the
// application defines none, and that group must be the one this one adds Redis to.
@AutoConfiguration(afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration",
		"org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration" })
@ConditionalOnClass(RedisConnectionFactory.class)
@EnableConfigurationProperties(FailFastRedisProperties.class)
@ConditionalOnStarterEnabled
public final class RedisFailFastAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(RedisConnectionFactory.class)
	@ConditionalOnBooleanProperty(name = "fail-fast.redis.enabled", matchIfMissing = true)
	RedisStartupCheck redisStartupCheck(RedisConnectionFactory connectionFactory, FailFastRedisProperties properties,
			Environment environment) {
		return new RedisStartupCheck(connectionFactory, properties, environment);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor")
	@ConditionalOnBean(name = "redisHealthContributor")
	@ConditionalOnBooleanProperty("fail-fast.redis.readiness")
	static class ReadinessConfiguration {

		@Bean
		static RedisReadinessHealthEndpointGroupsPostProcessor redisReadinessHealthEndpointGroupsPostProcessor() {
			return new RedisReadinessHealthEndpointGroupsPostProcessor();
		}

	}

}
