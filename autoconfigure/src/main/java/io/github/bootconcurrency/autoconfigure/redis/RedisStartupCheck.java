package io.github.bootconcurrency.autoconfigure.redis;

import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;
import io.github.bootconcurrency.autoconfigure.validation.SettingsChecks;
import io.github.bootconcurrency.autoconfigure.validation.Violation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * PINGs Redis through the application's own connection factory while the context starts,
 * and refuses to let the application start when no attempt succeeds.
 *
 * <p>
 * Design: it runs as a {@link SmartInitializingSingleton}, after every bean exists and
 * before the web server starts accepting, so a wrong environment never serves a request.
 * Each attempt runs on its own virtual thread and is abandoned after {@code timeout},
 * whatever the client's own timeouts are; waits between attempts grow geometrically up to
 * {@code max-backoff}, and settings whose attempts and waits could hold a failing startup
 * for more than 10 minutes are refused. Transport failures are retried, a refused
 * password or a missing database are not: they do not fix themselves. Every text that
 * leaves this class passes through {@link RedisTarget#scrub(String)}, so no password
 * reaches a log or the failure analysis.
 */
public class RedisStartupCheck implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(RedisStartupCheck.class);

	private static final String PREFIX = "spring.data.redis.";

	private static final Duration MAX_WAIT = Duration.ofMinutes(10);

	private static final int MAX_ATTEMPTS = 100;

	private static final List<String> CONNECTION_KEYS = List.of("url", "host", "port", "database", "username",
			"password", "ssl.enabled", "ssl.bundle", "sentinel.master", "sentinel.nodes", "sentinel.password",
			"cluster.nodes");

	private final RedisConnectionFactory connectionFactory;

	private final FailFastRedisProperties properties;

	private final Environment environment;

	public RedisStartupCheck(RedisConnectionFactory connectionFactory, FailFastRedisProperties properties,
			Environment environment) {
		this.connectionFactory = connectionFactory;
		this.properties = properties;
		this.environment = environment;
		validate(properties, environment);
	}

	@Override
	public void afterSingletonsInstantiated() {
		check();
	}

	/**
	 * Check Redis now.
	 * @return the round trip of the successful PING
	 * @throws RedisUnreachableException if no attempt succeeded
	 */
	public Duration check() {
		RedisTarget target = RedisTarget.of(this.connectionFactory).withSecrets(environmentSecrets());
		List<String> profiles = List.of(this.environment.getActiveProfiles());
		int attempts = this.properties.getAttempts();
		long start = System.nanoTime();
		long backoffNanos = Math.min(this.properties.getBackoff().toNanos(), this.properties.getMaxBackoff().toNanos());
		Exception last = null;
		int made = 0;
		while (made < attempts) {
			made++;
			try {
				Duration roundTrip = attempt(target);
				logger.info("Redis answered PING at " + target.describe() + " in "
						+ String.format(Locale.ROOT, "%.1f ms", roundTrip.toNanos() / 1e6) + " (attempt " + made
						+ " of " + attempts + "; active profiles: "
						+ (profiles.isEmpty() ? "none" : String.join(", ", profiles)) + "; "
						+ settingOrigins().stream().findFirst().orElse("Spring Boot's default connection") + ")");
				return roundTrip;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				last = ex;
				break;
			}
			catch (Exception ex) {
				last = ex;
				RedisFailureCause cause = RedisFailureCause.classify(ex);
				logger.warn("Redis check " + made + " of " + attempts + " at " + target.describe() + " failed: "
						+ cause.description() + " (" + target.scrub(String.valueOf(ex.getMessage())) + ")");
				if (!isTransient(cause) || made == attempts) {
					break;
				}
				sleep(backoffNanos);
				backoffNanos = nextWait(backoffNanos, this.properties);
			}
		}
		RedisFailureCause cause = RedisFailureCause.classify(last);
		throw new RedisUnreachableException(target, cause, scrubbed(last, target, 0), made,
				Duration.ofNanos(System.nanoTime() - start), profiles, settingOrigins(),
				propertiesToChange(cause, target), this.properties);
	}

	private Duration attempt(RedisTarget target) throws Exception {
		FutureTask<Duration> task = new FutureTask<>(() -> ping(target));
		Thread.ofVirtual().name("redis-fail-fast-check").start(task);
		try {
			return task.get(this.properties.getTimeout().toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			task.cancel(true);
			throw new TimeoutException("no answer within " + this.properties.getTimeout().toMillis() + " ms");
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
	}

	private Duration ping(RedisTarget target) {
		if (target.mode() == RedisTarget.Mode.CLUSTER) {
			return pingCluster(target);
		}
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			long start = System.nanoTime();
			connection.ping();
			return Duration.ofNanos(System.nanoTime() - start);
		}
	}

	/**
	 * Every seed node that answers counts: one that does not, among answering ones, is a
	 * warning, since the cluster still serves.
	 */
	private Duration pingCluster(RedisTarget target) {
		try (RedisClusterConnection connection = this.connectionFactory.getClusterConnection()) {
			Duration fastest = null;
			RuntimeException firstFailure = null;
			List<String> silent = new ArrayList<>();
			for (String node : target.nodes()) {
				int colon = node.lastIndexOf(':');
				RedisClusterNode clusterNode = new RedisClusterNode(node.substring(0, colon),
						Integer.parseInt(node.substring(colon + 1)));
				try {
					long start = System.nanoTime();
					connection.ping(clusterNode);
					Duration roundTrip = Duration.ofNanos(System.nanoTime() - start);
					fastest = (fastest == null || roundTrip.compareTo(fastest) < 0) ? roundTrip : fastest;
				}
				catch (RuntimeException ex) {
					firstFailure = (firstFailure != null) ? firstFailure : ex;
					silent.add(node + " (" + RedisFailureCause.classify(ex).description() + ")");
				}
			}
			if (fastest == null) {
				throw firstFailure;
			}
			if (!silent.isEmpty()) {
				logger.warn("Redis cluster seed node(s) did not answer PING: " + String.join(", ", silent)
						+ ". The cluster answered through the other seed nodes, so startup goes on.");
			}
			return fastest;
		}
	}

	private static boolean isTransient(RedisFailureCause cause) {
		return cause != RedisFailureCause.AUTHENTICATION_FAILED && cause != RedisFailureCause.WRONG_DATABASE;
	}

	private static void sleep(long nanos) {
		try {
			TimeUnit.NANOSECONDS.sleep(nanos);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private List<String> settingOrigins() {
		List<String> origins = new ArrayList<>();
		for (String key : CONNECTION_KEYS) {
			ConfiguredValue value = ConfiguredValue.find(this.environment, PREFIX + key);
			if (value != null) {
				boolean secret = key.endsWith("password") || key.equals("url");
				origins.add(secret
						? PREFIX + key + " (set" + ((value.origin() != null) ? ", from " + value.origin() : "") + ")"
						: value.describe());
			}
		}
		return origins;
	}

	private List<String> propertiesToChange(RedisFailureCause cause, RedisTarget target) {
		if (ConfiguredValue.find(this.environment, PREFIX + "url") != null
				&& target.mode() == RedisTarget.Mode.STANDALONE) {
			return List.of(PREFIX + "url");
		}
		List<String> address = switch (target.mode()) {
			case SENTINEL -> List.of(PREFIX + "sentinel.nodes", PREFIX + "sentinel.master");
			case CLUSTER -> List.of(PREFIX + "cluster.nodes");
			default -> List.of(PREFIX + "host", PREFIX + "port");
		};
		return switch (cause) {
			case AUTHENTICATION_FAILED -> (target.mode() == RedisTarget.Mode.SENTINEL)
					? List.of(PREFIX + "password", PREFIX + "username", PREFIX + "sentinel.password")
					: List.of(PREFIX + "password", PREFIX + "username");
			case WRONG_DATABASE -> List.of(PREFIX + "database");
			case TLS_FAILURE -> List.of(PREFIX + "ssl.enabled", PREFIX + "ssl.bundle");
			case TIMEOUT -> {
				List<String> keys = new ArrayList<>(address);
				if (target.tls()) {
					// A server that does not speak TLS never answers the handshake: it
					// hangs.
					keys.add(PREFIX + "ssl.enabled");
				}
				keys.add("fail-fast.redis.timeout");
				yield keys;
			}
			default -> address;
		};
	}

	private Set<String> environmentSecrets() {
		Set<String> secrets = new LinkedHashSet<>();
		secrets.add(this.environment.getProperty(PREFIX + "password"));
		secrets.add(this.environment.getProperty(PREFIX + "sentinel.password"));
		String url = this.environment.getProperty(PREFIX + "url");
		if (url != null) {
			try {
				String userInfo = URI.create(url).getRawUserInfo();
				if (userInfo != null) {
					secrets.add(userInfo.substring(userInfo.indexOf(':') + 1));
					secrets.add(userInfo);
				}
			}
			catch (IllegalArgumentException ex) {
				// Spring Boot reports a malformed URL itself.
			}
		}
		secrets.remove(null);
		return secrets;
	}

	/**
	 * Copy the exception chain with every message scrubbed of secrets, keeping the class
	 * names and stack traces for debugging.
	 */
	private static @Nullable Throwable scrubbed(@Nullable Throwable failure, RedisTarget target, int depth) {
		if (failure == null || depth > 16) {
			return null;
		}
		RuntimeException copy = new RuntimeException(
				failure.getClass().getName() + ": " + target.scrub(String.valueOf(failure.getMessage())),
				scrubbed(failure.getCause(), target, depth + 1));
		copy.setStackTrace(failure.getStackTrace());
		return copy;
	}

	private static long nextWait(long waitNanos, FailFastRedisProperties properties) {
		return (long) Math.min(properties.getMaxBackoff().toNanos(), waitNanos * properties.getBackoffMultiplier());
	}

	/**
	 * Return the longest the check can take before startup fails: every attempt running
	 * out its timeout, with the waits between them.
	 * @param properties the check's settings, each within its own bounds
	 * @return the worst case
	 */
	static Duration worstCase(FailFastRedisProperties properties) {
		long total = properties.getTimeout().toNanos() * properties.getAttempts();
		long waitNanos = Math.min(properties.getBackoff().toNanos(), properties.getMaxBackoff().toNanos());
		for (int wait = 1; wait < properties.getAttempts(); wait++) {
			total += waitNanos;
			waitNanos = nextWait(waitNanos, properties);
		}
		return Duration.ofNanos(total);
	}

	private static void validate(FailFastRedisProperties properties, Environment environment) {
		SettingsChecks checks = new SettingsChecks(environment);
		checks.duration("fail-fast.redis.timeout", properties.getTimeout(), Duration.ofMillis(1), MAX_WAIT);
		checks.duration("fail-fast.redis.max-backoff", properties.getMaxBackoff(), Duration.ZERO, MAX_WAIT);
		boolean maxBackoffValid = properties.getMaxBackoff() != null && !properties.getMaxBackoff().isNegative()
				&& properties.getMaxBackoff().compareTo(MAX_WAIT) <= 0;
		checks.duration("fail-fast.redis.backoff", properties.getBackoff(), Duration.ZERO,
				maxBackoffValid ? properties.getMaxBackoff() : MAX_WAIT,
				maxBackoffValid ? "fail-fast.redis.max-backoff" : null);
		checks.range("fail-fast.redis.attempts", properties.getAttempts(), 1, MAX_ATTEMPTS);
		checks.range("fail-fast.redis.backoff-multiplier", properties.getBackoffMultiplier(), 1.0, 10.0,
				"a number from 1.0 to 10.0");
		checks.throwIfInvalid();
		// Each value within its bounds: their product can still keep a failing startup
		// waiting for an hour (100 attempts of 10 minutes).
		Duration worstCase = worstCase(properties);
		if (worstCase.compareTo(MAX_WAIT) > 0) {
			String settings = properties.getAttempts() + " attempts of up to "
					+ SettingsChecks.format(properties.getTimeout()) + " (fail-fast.redis.timeout), with waits from "
					+ SettingsChecks.format(properties.getBackoff()) + " growing x" + properties.getBackoffMultiplier()
					+ " up to " + SettingsChecks.format(properties.getMaxBackoff()) + " (fail-fast.redis.max-backoff)";
			checks.add(new Violation("fail-fast.redis.attempts", properties.getAttempts(),
					origin(environment, "fail-fast.redis.attempts"),
					"with " + settings + ", a Redis that is down would hold startup for up to "
							+ SettingsChecks.format(worstCase.truncatedTo(ChronoUnit.SECONDS)) + "; allowed: settings"
							+ " whose attempts and waits end within " + SettingsChecks.format(MAX_WAIT),
					"Lower fail-fast.redis.attempts, fail-fast.redis.timeout or fail-fast.redis.max-backoff so that"
							+ " attempts x timeout plus the waits between them stay within "
							+ SettingsChecks.format(MAX_WAIT) + "."));
			checks.throwIfInvalid();
		}
	}

	private static @Nullable Object origin(Environment environment, String key) {
		ConfiguredValue value = ConfiguredValue.find(environment, key);
		return (value != null) ? value.origin() : null;
	}

}
