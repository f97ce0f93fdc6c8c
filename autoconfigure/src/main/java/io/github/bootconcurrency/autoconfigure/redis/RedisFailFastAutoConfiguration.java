package io.github.bootconcurrency.autoconfigure.redis;

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
 * Auto-configuration that checks the application's Redis connection at startup and adds
 * Redis to the readiness health group.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration" })
@ConditionalOnClass(RedisConnectionFactory.class)
@EnableConfigurationProperties(FailFastRedisProperties.class)
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
	@ConditionalOnBooleanProperty(name = "fail-fast.redis.readiness", matchIfMissing = true)
	static class ReadinessConfiguration {

		@Bean
		static RedisReadinessHealthEndpointGroupsPostProcessor redisReadinessHealthEndpointGroupsPostProcessor() {
			return new RedisReadinessHealthEndpointGroupsPostProcessor();
		}

	}

}
