package io.github.bootconcurrency.autoconfigure.redis;

import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

/**
 * Adds the {@code redis} health contributor to the {@code readiness} group, when there is
 * one, so that an instance that lost Redis is taken out of the load balancer and put back
 * when Redis returns, with no restart. Liveness is left alone: restarting an application
 * does not bring Redis back. Only with {@code fail-fast.redis.readiness=true}: a Redis
 * that every instance shares would otherwise take them all out at once.
 *
 * <p>
 * A post-processor rather than a default for
 * {@code management.endpoint.health.group.readiness.include}: that key would replace the
 * user's own list, and would name a contributor that may not exist.
 */
class RedisReadinessHealthEndpointGroupsPostProcessor implements HealthEndpointGroupsPostProcessor {

	static final String READINESS = "readiness";

	static final String REDIS = "redis";

	@Override
	public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
		return new HealthEndpointGroups() {

			@Override
			public HealthEndpointGroup getPrimary() {
				return groups.getPrimary();
			}

			@Override
			public Set<String> getNames() {
				return groups.getNames();
			}

			@Override
			public @Nullable HealthEndpointGroup get(String name) {
				HealthEndpointGroup group = groups.get(name);
				return (READINESS.equals(name) && group != null) ? new IncludingRedis(group) : group;
			}

		};
	}

	private record IncludingRedis(HealthEndpointGroup delegate) implements HealthEndpointGroup {

		@Override
		public boolean isMember(String name) {
			return REDIS.equals(name) || this.delegate.isMember(name);
		}

		@Override
		public boolean showComponents(SecurityContext securityContext) {
			return this.delegate.showComponents(securityContext);
		}

		@Override
		public boolean showDetails(SecurityContext securityContext) {
			return this.delegate.showDetails(securityContext);
		}

		@Override
		public StatusAggregator getStatusAggregator() {
			return this.delegate.getStatusAggregator();
		}

		@Override
		public HttpCodeStatusMapper getHttpCodeStatusMapper() {
			return this.delegate.getHttpCodeStatusMapper();
		}

		@Override
		public @Nullable AdditionalHealthEndpointPath getAdditionalPath() {
			return this.delegate.getAdditionalPath();
		}

	}

}
