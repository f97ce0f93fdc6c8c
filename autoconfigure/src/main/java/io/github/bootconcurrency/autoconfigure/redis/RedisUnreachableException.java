package io.github.bootconcurrency.autoconfigure.redis;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at startup when no attempt to PING Redis succeeded. Carries the facts a user
 * needs to fix the environment, all free of passwords: its cause chain is a scrubbed copy
 * of the client's, with the original stack traces.
 *
 * @see RedisUnreachableFailureAnalyzer
 */
public class RedisUnreachableException extends RuntimeException {

	private final RedisTarget target;

	private final RedisFailureCause failureCause;

	private final int attempts;

	private final Duration elapsed;

	private final List<String> activeProfiles;

	private final List<String> settingOrigins;

	private final List<String> propertiesToChange;

	private final FailFastRedisProperties properties;

	RedisUnreachableException(RedisTarget target, RedisFailureCause failureCause, @Nullable Throwable scrubbedCause,
			int attempts, Duration elapsed, List<String> activeProfiles, List<String> settingOrigins,
			List<String> propertiesToChange, FailFastRedisProperties properties) {
		super("Redis at " + target.describe() + " could not be reached after " + attempts + " attempt(s): "
				+ failureCause.description(), scrubbedCause);
		this.target = target;
		this.failureCause = failureCause;
		this.attempts = attempts;
		this.elapsed = elapsed;
		this.activeProfiles = List.copyOf(activeProfiles);
		this.settingOrigins = List.copyOf(settingOrigins);
		this.propertiesToChange = List.copyOf(propertiesToChange);
		this.properties = properties;
	}

	public RedisTarget getTarget() {
		return this.target;
	}

	public RedisFailureCause getFailureCause() {
		return this.failureCause;
	}

	public int getAttempts() {
		return this.attempts;
	}

	public Duration getElapsed() {
		return this.elapsed;
	}

	public List<String> getActiveProfiles() {
		return this.activeProfiles;
	}

	/**
	 * Return the connection keys that are set, each with where it was set.
	 * @return the keys and their origins
	 */
	public List<String> getSettingOrigins() {
		return this.settingOrigins;
	}

	/**
	 * Return the properties to change for this cause.
	 * @return the property keys
	 */
	public List<String> getPropertiesToChange() {
		return this.propertiesToChange;
	}

	FailFastRedisProperties getProperties() {
		return this.properties;
	}

}
