package io.github.bootconcurrency.autoconfigure.redis;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for checking the Redis connection at startup.
 */
@ConfigurationProperties("fail-fast.redis")
public class FailFastRedisProperties {

	/**
	 * Whether to PING Redis through the application's connection at startup and refuse to
	 * start when it cannot be reached. Applies whenever a Redis connection factory
	 * exists.
	 */
	private boolean enabled = true;

	/**
	 * Maximum time that one attempt (connecting and the PING) may take.
	 */
	private Duration timeout = Duration.ofSeconds(5);

	/**
	 * Maximum number of attempts before startup fails.
	 */
	private int attempts = 3;

	/**
	 * Time to wait after the first failed attempt. Each further wait is multiplied by
	 * backoff-multiplier, up to max-backoff.
	 */
	private Duration backoff = Duration.ofSeconds(1);

	/**
	 * Maximum wait between two attempts. The attempts and the waits between them must end
	 * within 10 minutes, so that a Redis that is down stops startup in bounded time.
	 */
	private Duration maxBackoff = Duration.ofSeconds(10);

	/**
	 * Factor by which the wait between attempts grows after each failed attempt.
	 */
	private double backoffMultiplier = 2.0;

	/**
	 * Whether the readiness health group includes Redis, so that an instance that lost
	 * Redis after startup stops receiving traffic until Redis is back. Off by default, as
	 * Spring Boot advises for external systems: a Redis shared by every instance would
	 * take them all out of the load balancer at once, routes that need no Redis included.
	 */
	private boolean readiness;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public int getAttempts() {
		return this.attempts;
	}

	public void setAttempts(int attempts) {
		this.attempts = attempts;
	}

	public Duration getBackoff() {
		return this.backoff;
	}

	public void setBackoff(Duration backoff) {
		this.backoff = backoff;
	}

	public Duration getMaxBackoff() {
		return this.maxBackoff;
	}

	public void setMaxBackoff(Duration maxBackoff) {
		this.maxBackoff = maxBackoff;
	}

	public double getBackoffMultiplier() {
		return this.backoffMultiplier;
	}

	public void setBackoffMultiplier(double backoffMultiplier) {
		this.backoffMultiplier = backoffMultiplier;
	}

	public boolean isReadiness() {
		return this.readiness;
	}

	public void setReadiness(boolean readiness) {
		this.readiness = readiness;
	}

}
