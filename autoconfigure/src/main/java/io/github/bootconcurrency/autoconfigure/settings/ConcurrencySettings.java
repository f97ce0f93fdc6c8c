package io.github.bootconcurrency.autoconfigure.settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.model.ModelDecision;
import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;
import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import io.github.bootconcurrency.autoconfigure.validation.SettingsChecks;
import io.github.bootconcurrency.autoconfigure.validation.Violation;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The settings in force after the model is decided, defaults are filled per model, the
 * server's own keys are reconciled, and every value is checked.
 *
 * <p>
 * Resolution is one pass that collects every problem before it throws, so a user with
 * three bad keys sees three lines in one failure analysis. A server key that Spring Boot
 * already knows ({@code server.tomcat.threads.max} and friends) is adopted when our key
 * is not set, and is a conflict when both are set to different values: either way nothing
 * the user wrote is silently dropped.
 *
 * <p>
 * This is the only place that turns properties into numbers: a default that follows from
 * another setting (the virtual model's connection limit follows its cap and the backlog,
 * the platform model's the open-file limit, the minimum pool size a smaller maximum) is
 * derived from the values in force, adopted ones included, never from the raw properties.
 *
 * @param decision the model and why it was chosen
 * @param requestLimit how many requests may be handled at once
 * @param queueTimeout how long a request over the limit waits, or {@code null} for no
 * limit
 * @param maxThreads the platform pool's maximum size
 * @param minThreads the platform pool's minimum size
 * @param backlog the listen backlog
 * @param maxConnections the maximum number of open connections
 * @param keepAliveTimeout how long an idle keep-alive connection stays open
 * @param sources for each key taken from another key, that key and its origin
 * @param requestTimeout how long a request may run before its thread is interrupted, or
 * {@code null} for no deadline
 * @param minRequestLimit under an adaptive limit, the least it may fall to and the limit
 * it starts at (it rises to {@code requestLimit} at most); {@code null} for a fixed limit
 */
public record ConcurrencySettings(ModelDecision decision, int requestLimit, @Nullable Duration queueTimeout,
		int maxThreads, int minThreads, int backlog, int maxConnections, Duration keepAliveTimeout,
		Map<String, String> sources, @Nullable Duration requestTimeout, @Nullable Integer minRequestLimit) {

	static final int MAX_PLATFORM_THREADS = 10_000;

	static final int MAX_CONCURRENT_REQUESTS = 1_000_000;

	static final int MAX_CONNECTIONS = 1_000_000;

	static final int MAX_BACKLOG = 65_535;

	/**
	 * The longest that any duration setting may be, the multi-jvm master's included.
	 */
	public static final Duration MAX_DURATION = Duration.ofHours(1);

	/**
	 * Least the adaptive limit may fall to when none is set: Netflix's own default.
	 */
	static final int DEFAULT_MIN_CONCURRENT_REQUESTS = 20;

	/**
	 * Return the model in force.
	 * @return the model
	 */
	public ConcurrencyModel model() {
		return this.decision.model();
	}

	/**
	 * Whether the request limit adapts to latency, between {@link #minRequestLimit()} and
	 * {@link #requestLimit()}.
	 * @return {@code true} for an adaptive limit
	 */
	public boolean adaptiveLimit() {
		return this.minRequestLimit != null;
	}

	/**
	 * Resolve and check the settings.
	 * @param properties the bound {@code concurrency.*} properties
	 * @param environment the environment, to find origins and the server's own keys
	 * @return the settings in force
	 * @throws InvalidSettingsException listing every invalid value or combination
	 */
	public static ConcurrencySettings resolve(ConcurrencyProperties properties, Environment environment) {
		return resolve(properties, environment, ModelDecision.resolve(environment));
	}

	/**
	 * Resolve and check the settings of a model decided elsewhere, such as the model that
	 * a multi-jvm master's workers will run.
	 * @param properties the bound {@code concurrency.*} properties
	 * @param environment the environment, to find origins and the server's own keys
	 * @param decision the model and why it was chosen
	 * @return the settings in force under that model
	 * @throws InvalidSettingsException listing every invalid value or combination
	 */
	public static ConcurrencySettings resolve(ConcurrencyProperties properties, Environment environment,
			ModelDecision decision) {
		return resolve(properties, environment, decision, OpenFiles.limit());
	}

	static ConcurrencySettings resolve(ConcurrencyProperties properties, Environment environment,
			ModelDecision decision, long openFileLimit) {
		return new Resolver(properties, environment, openFileLimit).resolve(decision);
	}

	/**
	 * Return the settings as name and value pairs, for the actuator endpoint and logs.
	 * @return the settings in force
	 */
	public Map<String, Object> describe() {
		Map<String, Object> settings = new LinkedHashMap<>();
		if (model() == ConcurrencyModel.PLATFORM) {
			settings.put("platform.max-threads", this.maxThreads);
			settings.put("platform.min-threads", this.minThreads);
		}
		else {
			settings.put("virtual.max-concurrent-requests", this.requestLimit);
			settings.put("virtual.queue-timeout", SettingsChecks.format(this.queueTimeout));
			if (adaptiveLimit()) {
				settings.put("virtual.limit", "adaptive");
				settings.put("virtual.min-concurrent-requests", this.minRequestLimit);
			}
		}
		settings.put("backlog", this.backlog);
		settings.put("max-connections", this.maxConnections);
		settings.put("keep-alive-timeout", SettingsChecks.format(this.keepAliveTimeout));
		if (this.requestTimeout != null) {
			settings.put("request-timeout", SettingsChecks.format(this.requestTimeout));
		}
		return settings;
	}

	private static final class Resolver {

		private final ConcurrencyProperties properties;

		private final Environment environment;

		private final Binder binder;

		private final SettingsChecks checks;

		private final Map<String, String> sources = new LinkedHashMap<>();

		private final long openFileLimit;

		Resolver(ConcurrencyProperties properties, Environment environment, long openFileLimit) {
			this.properties = properties;
			this.openFileLimit = openFileLimit;
			this.environment = environment;
			this.binder = Binder.get(environment);
			this.checks = new SettingsChecks(environment);
		}

		ConcurrencySettings resolve(ModelDecision decision) {
			ConcurrencyModel model = decision.model();
			if (!model.isServedInProcess()) {
				this.checks.add(new Violation(ModelDecision.MODEL_KEY, model.value(), origin(ModelDecision.MODEL_KEY),
						"served by worker JVMs that the master starts before any application context, so an"
								+ " application context cannot serve it itself (the starter's EnvironmentPostProcessor"
								+ " did not run); allowed here: " + availableModels(),
						"Start the application with SpringApplication (java -jar app.jar), which runs the master, or"
								+ " choose one of " + availableModels() + " in " + ModelDecision.MODEL_KEY + "."));
			}
			boolean platform = model == ConcurrencyModel.PLATFORM;
			int maxThreads = reconcile("concurrency.platform.max-threads",
					this.properties.getPlatform().getMaxThreads(), Integer.class, platform, "server.tomcat.threads.max",
					"server.jetty.threads.max");
			int minThreads = reconcile("concurrency.platform.min-threads",
					this.properties.getPlatform().getMinThreads(), Integer.class, platform,
					"server.tomcat.threads.min-spare", "server.jetty.threads.min");
			boolean minThreadsSet = ConfiguredValue.find(this.environment, "concurrency.platform.min-threads") != null
					|| this.sources.containsKey("concurrency.platform.min-threads");
			if (!minThreadsSet && maxThreads >= 1 && minThreads > maxThreads) {
				// 'max-threads: 4' alone must work: the default minimum follows a smaller
				// maximum.
				minThreads = maxThreads;
			}
			int backlog = reconcile("concurrency.backlog", this.properties.getBacklog(), Integer.class, true,
					"server.tomcat.accept-count");
			Integer maxConnections = reconcile("concurrency.max-connections", this.properties.getMaxConnections(),
					Integer.class, true, "server.tomcat.max-connections", "server.jetty.max-connections");
			Duration keepAlive = reconcile("concurrency.keep-alive-timeout", this.properties.getKeepAliveTimeout(),
					Duration.class, true, "server.tomcat.keep-alive-timeout", "server.jetty.connection-idle-timeout");
			int maxConcurrentRequests = this.properties.getVirtual().getMaxConcurrentRequests();
			Duration queueTimeout = this.properties.getVirtual().getQueueTimeout();

			this.checks.range("concurrency.platform.max-threads", maxThreads, 1, MAX_PLATFORM_THREADS);
			if (maxThreads >= 1 && maxThreads <= MAX_PLATFORM_THREADS) {
				this.checks.range("concurrency.platform.min-threads", minThreads, 0, maxThreads,
						"0 to concurrency.platform.max-threads (" + maxThreads + ")");
			}
			else {
				this.checks.range("concurrency.platform.min-threads", minThreads, 0, MAX_PLATFORM_THREADS);
			}
			this.checks.range("concurrency.virtual.max-concurrent-requests", maxConcurrentRequests, 1,
					MAX_CONCURRENT_REQUESTS);
			this.checks.duration("concurrency.virtual.queue-timeout", queueTimeout, Duration.ZERO, MAX_DURATION);
			Integer minRequestLimit = minConcurrentRequests(maxConcurrentRequests);
			this.checks.range("concurrency.backlog", backlog, 1, MAX_BACKLOG);
			this.checks.duration("concurrency.keep-alive-timeout", keepAlive, Duration.ofMillis(1), MAX_DURATION);
			Duration requestTimeout = this.properties.getRequestTimeout();
			if (requestTimeout != null) {
				this.checks.duration("concurrency.request-timeout", requestTimeout, Duration.ZERO, MAX_DURATION);
			}
			// Under platform the pool bounds requests and one waits for a thread for as
			// long as it takes, as in Tomcat's queue; under virtual only the cap does,
			// with a timeout.
			int requestLimit = platform ? maxThreads : maxConcurrentRequests;
			Duration effectiveQueueTimeout = platform ? null : queueTimeout;
			int effectiveMaxConnections;
			if (maxConnections != null) {
				effectiveMaxConnections = maxConnections;
				String limitKey = platform ? "concurrency.platform.max-threads"
						: "concurrency.virtual.max-concurrent-requests";
				this.checks.range("concurrency.max-connections", maxConnections,
						Math.min(requestLimit, MAX_CONNECTIONS), MAX_CONNECTIONS,
						"at least " + limitKey + " (" + requestLimit + ") and at most " + MAX_CONNECTIONS
								+ ": a connection limit below the request limit leaves requests that can never run");
			}
			else if (platform) {
				long openFiles = this.openFileLimit;
				effectiveMaxConnections = OpenFiles.platformMaxConnections(openFiles, maxThreads, MAX_CONNECTIONS);
				this.sources.put("concurrency.max-connections",
						(openFiles > 0)
								? "default: the open-file limit (" + openFiles + ") less "
										+ OpenFiles.reserve(openFiles) + " kept for the application's own files"
								: "default: Tomcat's 8192, as the open-file limit is unknown");
			}
			else {
				// Requests over the cap must be accepted to wait for a slot (and get
				// their 503): leave room for one full backlog of them on top of the cap,
				// the backlog in force, which may be server.tomcat.accept-count.
				effectiveMaxConnections = requestLimit + backlog;
				this.sources.put("concurrency.max-connections",
						"default: concurrency.virtual.max-concurrent-requests + concurrency.backlog");
			}
			this.checks.throwIfInvalid();
			return new ConcurrencySettings(decision, requestLimit, effectiveQueueTimeout, maxThreads, minThreads,
					backlog, effectiveMaxConnections, keepAlive, Collections.unmodifiableMap(this.sources),
					(requestTimeout != null && !requestTimeout.isZero()) ? requestTimeout : null,
					platform ? null : minRequestLimit);
		}

		/**
		 * The least the adaptive limit may fall to, checked even when the limit is fixed
		 * (as every key of the model not in use is), or {@code null} for a fixed limit.
		 */
		private @Nullable Integer minConcurrentRequests(int maxConcurrentRequests) {
			ConcurrencyProperties.Virtual virtual = this.properties.getVirtual();
			Integer configured = virtual.getMinConcurrentRequests();
			int min = (configured != null) ? configured
					: Math.max(1, Math.min(DEFAULT_MIN_CONCURRENT_REQUESTS, maxConcurrentRequests));
			if (maxConcurrentRequests >= 1 && maxConcurrentRequests <= MAX_CONCURRENT_REQUESTS) {
				this.checks.range("concurrency.virtual.min-concurrent-requests", min, 1, maxConcurrentRequests,
						"1 to concurrency.virtual.max-concurrent-requests (" + maxConcurrentRequests + ")");
			}
			else {
				this.checks.range("concurrency.virtual.min-concurrent-requests", min, 1, MAX_CONCURRENT_REQUESTS);
			}
			if (virtual.getLimit() == null) {
				this.checks
					.add(Violation.notAllowed(ConfiguredValue.find(this.environment, "concurrency.virtual.limit"),
							"concurrency.virtual.limit", "(empty)", "fixed or adaptive"));
			}
			return (virtual.getLimit() == ConcurrencyProperties.Virtual.Limit.ADAPTIVE) ? min : null;
		}

		/**
		 * Reconcile our key with the server keys that mean the same thing: adopt theirs
		 * when ours is not set, report a conflict when both are set and differ.
		 */
		private <T extends @Nullable Object> T reconcile(String key, T value, Class<T> type, boolean applies,
				String... serverKeys) {
			if (!applies) {
				return value;
			}
			ConfiguredValue ours = ConfiguredValue.find(this.environment, key);
			Set<Object> values = new LinkedHashSet<>();
			if (ours != null) {
				values.add(value);
			}
			List<ConfiguredValue> theirs = new ArrayList<>();
			T adopted = null;
			for (String serverKey : serverKeys) {
				ConfiguredValue configured = ConfiguredValue.find(this.environment, serverKey);
				T bound = (configured != null) ? bindQuietly(serverKey, type) : null;
				if (bound != null) {
					theirs.add(configured);
					values.add(bound);
					adopted = (adopted != null) ? adopted : bound;
				}
			}
			if (values.size() > 1) {
				List<String> described = theirs.stream().map(ConfiguredValue::describe).toList();
				this.checks.add(new Violation(key, (ours != null) ? value : "(not set)",
						(ours != null) ? ours.origin() : null, "conflicts with " + String.join(" and ", described),
						"Set only " + key + " (the starter translates it for Tomcat and Jetty), or give "
								+ String.join(" and ", theirs.stream().map(ConfiguredValue::key).toList())
								+ " the same value."));
				return value;
			}
			if (ours == null && adopted != null) {
				this.sources.put(key, theirs.get(0).describe());
				return adopted;
			}
			return value;
		}

		private <T> @Nullable T bindQuietly(String key, Class<T> type) {
			try {
				return this.binder.bind(key, type).orElse(null);
			}
			catch (RuntimeException ex) {
				// Spring Boot reports its own key's bad value itself.
				return null;
			}
		}

		private @Nullable Object origin(String key) {
			ConfiguredValue value = ConfiguredValue.find(this.environment, key);
			return (value != null) ? value.origin() : null;
		}

		private static String availableModels() {
			StringBuilder available = new StringBuilder();
			for (ConcurrencyModel model : ConcurrencyModel.values()) {
				if (model.isServedInProcess()) {
					available.append((available.length() > 0) ? ", " : "").append(model.value());
				}
			}
			return available.toString();
		}

	}

}
