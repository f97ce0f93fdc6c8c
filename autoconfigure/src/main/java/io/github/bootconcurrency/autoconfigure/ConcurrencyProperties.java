package io.github.bootconcurrency.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

	private final MultiJvm multiJvm = new MultiJvm();

	private final Advice advice = new Advice();

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

	public MultiJvm getMultiJvm() {
		return this.multiJvm;
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

	/**
	 * Settings of the 'multi-jvm' model: a master process that supervises worker JVMs.
	 */
	public static class MultiJvm {

		/**
		 * Number of worker JVMs: a whole number, or 'auto' for one per available
		 * processor. Like Gunicorn's 'workers'.
		 */
		private String workers = "2";

		/**
		 * Concurrency model inside each worker: 'platform' or 'virtual', with that
		 * model's own settings.
		 */
		private ConcurrencyModel workerModel = ConcurrencyModel.PLATFORM;

		/**
		 * How requests reach the workers: 'proxy' (the master proxies them) or
		 * 'shared-socket' (the workers accept on the master's socket). Defaults to
		 * 'proxy', which retries on another worker a request that a crashed worker never
		 * answered; 'shared-socket' (Linux or macOS, on Java 22 or later) costs the
		 * master nothing per request, but loses the requests on a crashed worker's
		 * connections.
		 */
		private @Nullable Balancer balancer;

		/**
		 * Extra JVM options for every worker, after the master's own. The default, the
		 * serial collector, runs one GC thread per worker rather than one per core in
		 * each: workers share the cores (see docs/benchmarks.md). Setting the list
		 * replaces it.
		 */
		private List<String> jvmArgs = new ArrayList<>(List.of("-XX:+UseSerialGC"));

		/**
		 * Maximum time a ready worker may go without a heartbeat before it is killed and
		 * replaced. The heartbeat comes from a thread of its own in each worker, so a
		 * worker busy with requests keeps sending it. Like Gunicorn's 'timeout'.
		 */
		private Duration timeout = Duration.ofSeconds(30);

		/**
		 * Maximum time a stopping worker may take to finish its requests before it is
		 * killed. Like Gunicorn's 'graceful_timeout'.
		 */
		private Duration gracefulTimeout = Duration.ofSeconds(30);

		/**
		 * Maximum time a new worker may take to become ready.
		 */
		private Duration bootTimeout = Duration.ofSeconds(90);

		/**
		 * Maximum time a request waits at the master for a ready worker, when none is
		 * ready (a cold start, every worker gone), before it is answered with 503. When
		 * unset, the boot timeout. Under 'shared-socket' requests wait in the listen
		 * backlog instead, until a worker accepts them.
		 */
		private @Nullable Duration queueTimeout;

		/**
		 * Maximum time a client may take to send a request's header, from its first byte;
		 * the connection is then closed. Applied by the master's port under the 'proxy'
		 * balancer, and by each worker under 'shared-socket'. Like nginx's
		 * 'client_header_timeout'.
		 */
		private Duration requestHeaderTimeout = Duration.ofSeconds(10);

		/**
		 * Number of requests after which a worker is replaced, 0 for never. Like
		 * Gunicorn's 'max_requests'.
		 */
		private int maxRequests = 0;

		/**
		 * Maximum random number of requests added to max-requests per worker, so that
		 * workers are not all replaced at once.
		 */
		private int maxRequestsJitter = 0;

		/**
		 * Maximum heap a worker may hold after a collection before it is replaced: a size
		 * (512MB) or a percentage of the worker's maximum heap (80%), over the limit for
		 * 3 collections in a row. Unset for never. Like uWSGI's 'reload-on-rss' and PM2's
		 * 'max_memory_restart', on the heap rather than the process's memory.
		 */
		private @Nullable String maxHeapAfterGc;

		/**
		 * File to write the master's process id to, if any.
		 */
		private @Nullable Path pidfile;

		/**
		 * Addresses trusted to set forwarding headers (Forwarded, X-Forwarded-*): IP
		 * addresses or CIDR ranges, or '*' for any. Forwarding headers from any other
		 * address are dropped before the application sees them. Like Gunicorn's
		 * 'forwarded_allow_ips', but empty by default: no address is trusted.
		 */
		private List<String> forwardedAllowIps = new ArrayList<>();

		/**
		 * Forwarding headers that the addresses in forwarded-allow-ips set, and which
		 * alone are read from them: any of x-forwarded-for, x-forwarded-proto,
		 * x-forwarded-host and x-forwarded-port, or forwarded (RFC 7239) alone. A load
		 * balancer passes on the headers it does not set as its client sent them, so name
		 * only those it sets. Like Tomcat's RemoteIpValve, which reads X-Forwarded-For
		 * and X-Forwarded-Proto by default.
		 */
		private List<String> forwardedHeaders = new ArrayList<>(List.of("x-forwarded-for", "x-forwarded-proto"));

		public String getWorkers() {
			return this.workers;
		}

		public void setWorkers(String workers) {
			this.workers = workers;
		}

		public ConcurrencyModel getWorkerModel() {
			return this.workerModel;
		}

		public void setWorkerModel(ConcurrencyModel workerModel) {
			this.workerModel = workerModel;
		}

		public @Nullable Balancer getBalancer() {
			return this.balancer;
		}

		public void setBalancer(@Nullable Balancer balancer) {
			this.balancer = balancer;
		}

		public List<String> getJvmArgs() {
			return this.jvmArgs;
		}

		public void setJvmArgs(List<String> jvmArgs) {
			this.jvmArgs = jvmArgs;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getGracefulTimeout() {
			return this.gracefulTimeout;
		}

		public void setGracefulTimeout(Duration gracefulTimeout) {
			this.gracefulTimeout = gracefulTimeout;
		}

		public Duration getBootTimeout() {
			return this.bootTimeout;
		}

		public void setBootTimeout(Duration bootTimeout) {
			this.bootTimeout = bootTimeout;
		}

		public @Nullable Duration getQueueTimeout() {
			return this.queueTimeout;
		}

		public void setQueueTimeout(@Nullable Duration queueTimeout) {
			this.queueTimeout = queueTimeout;
		}

		public Duration getRequestHeaderTimeout() {
			return this.requestHeaderTimeout;
		}

		public void setRequestHeaderTimeout(Duration requestHeaderTimeout) {
			this.requestHeaderTimeout = requestHeaderTimeout;
		}

		public int getMaxRequests() {
			return this.maxRequests;
		}

		public void setMaxRequests(int maxRequests) {
			this.maxRequests = maxRequests;
		}

		public int getMaxRequestsJitter() {
			return this.maxRequestsJitter;
		}

		public void setMaxRequestsJitter(int maxRequestsJitter) {
			this.maxRequestsJitter = maxRequestsJitter;
		}

		public @Nullable String getMaxHeapAfterGc() {
			return this.maxHeapAfterGc;
		}

		public void setMaxHeapAfterGc(@Nullable String maxHeapAfterGc) {
			this.maxHeapAfterGc = maxHeapAfterGc;
		}

		public @Nullable Path getPidfile() {
			return this.pidfile;
		}

		public void setPidfile(@Nullable Path pidfile) {
			this.pidfile = pidfile;
		}

		public List<String> getForwardedAllowIps() {
			return this.forwardedAllowIps;
		}

		public void setForwardedAllowIps(List<String> forwardedAllowIps) {
			this.forwardedAllowIps = forwardedAllowIps;
		}

		public List<String> getForwardedHeaders() {
			return this.forwardedHeaders;
		}

		public void setForwardedHeaders(List<String> forwardedHeaders) {
			this.forwardedHeaders = forwardedHeaders;
		}

		/**
		 * How requests reach the workers.
		 */
		public enum Balancer {

			/**
			 * The master serves the port and proxies each request to a ready worker.
			 */
			PROXY,

			/**
			 * The workers accept connections on the master's listening socket.
			 */
			SHARED_SOCKET

		}

	}

}
