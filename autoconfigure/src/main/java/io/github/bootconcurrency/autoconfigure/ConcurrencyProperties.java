package io.github.bootconcurrency.autoconfigure;

import java.time.Duration;

import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for how requests are served.
 *
 * <p>
 * Values left unset here are filled per model (see {@link ConcurrencyModel}) when the
 * effective settings are resolved, so that {@code null} always means "the model's
 * default" and never "unlimited".
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
	 * Defaults to 8192 for 'platform', and to max-concurrent-requests plus backlog for
	 * 'virtual'.
	 */
	private Integer maxConnections;

	/**
	 * Time that an idle keep-alive connection is kept open before the server closes it.
	 */
	private Duration keepAliveTimeout = Duration.ofSeconds(20);

	private final Platform platform = new Platform();

	private final Virtual virtual = new Virtual();

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

	public Integer getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(Integer maxConnections) {
		this.maxConnections = maxConnections;
	}

	public Duration getKeepAliveTimeout() {
		return this.keepAliveTimeout;
	}

	public void setKeepAliveTimeout(Duration keepAliveTimeout) {
		this.keepAliveTimeout = keepAliveTimeout;
	}

	public Platform getPlatform() {
		return this.platform;
	}

	public Virtual getVirtual() {
		return this.virtual;
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

	}

}
