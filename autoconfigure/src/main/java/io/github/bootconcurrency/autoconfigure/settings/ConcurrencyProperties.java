package io.github.bootconcurrency.autoconfigure.settings;

import java.time.Duration;

import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for how requests are served.
 *
 * <p>
 * Values left unset here are filled per model, with Spring Boot's own server keys
 * reconciled, when the effective settings are resolved, so that {@code null} always means
 * "the model's default" and never "unlimited". Read the settings in force from
 * {@link io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings}, not from
 * here.
 *
 * @see io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings
 */
@ConfigurationProperties("concurrency")
public class ConcurrencyProperties {

	/**
	 * Concurrency model that serves requests: 'platform' (a bounded pool of platform
	 * threads), 'virtual' (a virtual thread per request under a cap) or 'multi-jvm'
	 * (several worker JVMs behind one port). When unset, 'virtual' if
	 * spring.threads.virtual.enabled is true, 'platform' otherwise.
	 */
	private ConcurrencyModel model = ConcurrencyModel.PLATFORM;

	/**
	 * Maximum length of the queue of incoming connections that the server has not yet
	 * accepted (the listen backlog). Gunicorn's default; the kernel also caps it at
	 * net.core.somaxconn.
	 */
	private int backlog = 2048;

	/**
	 * Maximum number of connections that the server accepts and keeps open at once.
	 * Defaults, for 'platform', to the open-file limit less an eighth kept for the
	 * application's own files (idle keep-alive connections hold no thread), and to
	 * max-concurrent-requests plus backlog for 'virtual'.
	 */
	private @Nullable Integer maxConnections;

	/**
	 * Time that an idle keep-alive connection is kept open before the server closes it.
	 */
	private Duration keepAliveTimeout = Duration.ofSeconds(20);

	/**
	 * Maximum time a request may run before the thread that handles it is interrupted
	 * and, if nothing was sent yet, it is answered with 503 and a Retry-After header.
	 * Async requests get it as their async timeout. Like uWSGI's 'harakiri'. When unset
	 * or zero, requests have no deadline.
	 */
	private @Nullable Duration requestTimeout;

	private final Platform platform = new Platform();

	private final Virtual virtual = new Virtual();

	private final Advice advice = new Advice();

	/**
	 * Return the model as bound. Bound for the metadata and /actuator/configprops only:
	 * the model in force is decided by
	 * {@link io.github.bootconcurrency.autoconfigure.model.ModelDecision}, which also
	 * weighs spring.threads.virtual.enabled, and is read from
	 * {@link ConcurrencySettings#model()}.
	 * @return the model as bound
	 */
	public ConcurrencyModel getModel() {
		return this.model;
	}

	public void setModel(ConcurrencyModel model) {
		this.model = model;
	}

	public int getBacklog() {
		return this.backlog;
	}

	public void setBacklog(int backlog) {
		this.backlog = backlog;
	}

	public @Nullable Integer getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(@Nullable Integer maxConnections) {
		this.maxConnections = maxConnections;
	}

	public Duration getKeepAliveTimeout() {
		return this.keepAliveTimeout;
	}

	public void setKeepAliveTimeout(Duration keepAliveTimeout) {
		this.keepAliveTimeout = keepAliveTimeout;
	}

	public @Nullable Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	public void setRequestTimeout(@Nullable Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
	}

	public Platform getPlatform() {
		return this.platform;
	}

	public Virtual getVirtual() {
		return this.virtual;
	}

	public Advice getAdvice() {
		return this.advice;
	}

	/**
	 * Settings of the advice on which model fits, measured over the last minute.
	 */
	public static class Advice {

		/**
		 * Whether to measure the requests' wall time, the process's CPU time and the
		 * waits at the gate over the last minute, and show in the concurrency endpoint
		 * which model fits the load.
		 */
		private boolean enabled;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Settings of the 'platform' model.
	 */
	public static class Platform {

		/**
		 * Maximum number of platform threads that handle requests, and so of requests
		 * handled at once. Like Gunicorn's 'threads'.
		 */
		private int maxThreads = 200;

		/**
		 * Minimum number of platform threads kept alive while idle.
		 */
		private int minThreads = 10;

		public int getMaxThreads() {
			return this.maxThreads;
		}

		public void setMaxThreads(int maxThreads) {
			this.maxThreads = maxThreads;
		}

		public int getMinThreads() {
			return this.minThreads;
		}

		public void setMinThreads(int minThreads) {
			this.minThreads = minThreads;
		}

	}

	/**
	 * Settings of the 'virtual' model.
	 */
	public static class Virtual {

		/**
		 * Maximum number of requests in flight at once, each on its own virtual thread.
		 * Like Gunicorn's 'worker_connections'. The default lets 10,000 simultaneous
		 * IO-bound requests run at once while still bounding memory.
		 */
		private int maxConcurrentRequests = 10_000;

		/**
		 * Maximum time that a request over max-concurrent-requests waits for a slot
		 * before it is answered with 503 and a Retry-After header. Zero rejects at once.
		 */
		private Duration queueTimeout = Duration.ofSeconds(30);

		/**
		 * Strategy that limits the number of requests in flight at once: 'fixed' (at
		 * max-concurrent-requests) or 'adaptive' (between min-concurrent-requests and
		 * max-concurrent-requests, following the requests' latency). 'adaptive' needs
		 * com.netflix.concurrency-limits:concurrency-limits-core on the class path.
		 */
		private Limit limit = Limit.FIXED;

		/**
		 * Minimum number of requests in flight at once that the adaptive limit may fall
		 * to, and the limit it starts at. Defaults to 20, or to max-concurrent-requests
		 * when that is lower.
		 */
		private @Nullable Integer minConcurrentRequests;

		public int getMaxConcurrentRequests() {
			return this.maxConcurrentRequests;
		}

		public void setMaxConcurrentRequests(int maxConcurrentRequests) {
			this.maxConcurrentRequests = maxConcurrentRequests;
		}

		public Duration getQueueTimeout() {
			return this.queueTimeout;
		}

		public void setQueueTimeout(Duration queueTimeout) {
			this.queueTimeout = queueTimeout;
		}

		public Limit getLimit() {
			return this.limit;
		}

		public void setLimit(Limit limit) {
			this.limit = limit;
		}

		public @Nullable Integer getMinConcurrentRequests() {
			return this.minConcurrentRequests;
		}

		public void setMinConcurrentRequests(@Nullable Integer minConcurrentRequests) {
			this.minConcurrentRequests = minConcurrentRequests;
		}

		/**
		 * How the number of requests in flight at once is limited.
		 */
		public enum Limit {

			/**
			 * At max-concurrent-requests, always.
			 */
			FIXED,

			/**
			 * Between min-concurrent-requests and max-concurrent-requests, lowered when
			 * latency rises and raised while it holds (Netflix's Gradient2 algorithm).
			 */
			ADAPTIVE

		}

	}

}
