package io.github.bootconcurrency.autoconfigure.multijvm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the 'multi-jvm' model: a master process that supervises
 * worker JVMs. Read by the master, which resolves and checks them as a whole
 * ({@code multijvm.master.config.MasterConfigLoader}), and by its workers.
 */
@ConfigurationProperties("concurrency.multi-jvm")
public class MultiJvmProperties {

	/**
	 * Number of worker JVMs: a whole number, or 'auto' for one per available processor.
	 * Like Gunicorn's 'workers'.
	 */
	private String workers = "2";

	/**
	 * Concurrency model inside each worker: 'platform' or 'virtual', with that model's
	 * own settings.
	 */
	private ConcurrencyModel workerModel = ConcurrencyModel.PLATFORM;

	/**
	 * How requests reach the workers: 'proxy' (the master proxies them) or
	 * 'shared-socket' (the workers accept on the master's socket). Defaults to 'proxy',
	 * which retries on another worker a request that a crashed worker never answered;
	 * 'shared-socket' (Linux or macOS, on Java 22 or later) costs the master nothing per
	 * request, but loses the requests on a crashed worker's connections.
	 */
	private @Nullable Balancer balancer;

	/**
	 * Extra JVM options for every worker, after the master's own. The default, the serial
	 * collector, runs one GC thread per worker rather than one per core in each: workers
	 * share the cores (see docs/benchmarks.md). Setting the list replaces it.
	 */
	private List<String> jvmArgs = new ArrayList<>(List.of("-XX:+UseSerialGC"));

	/**
	 * JVM options of the master itself, after those of its command line. The master
	 * starts again in its own process with them (Linux, Java 22 or later, native access
	 * enabled), since it needs none of the application's heap, collector or JIT. The
	 * default gives it a heap that grows from 8 MB as it needs, up to 512 MB, the serial
	 * collector, the C1 compiler only, and an exit on running out of memory rather than a
	 * master half alive. Empty to run the master in the JVM the command line started.
	 * Setting the list replaces it.
	 */
	private List<String> masterJvmArgs = new ArrayList<>(
			List.of("-XX:+UseSerialGC", "-Xms8m", "-Xmx512m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30",
					"-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=32m", "-XX:+ExitOnOutOfMemoryError"));

	/**
	 * Maximum time a ready worker may go without a heartbeat before it is killed and
	 * replaced. The heartbeat comes from a thread of its own in each worker, so a worker
	 * busy with requests keeps sending it. Like Gunicorn's 'timeout'.
	 */
	private Duration timeout = Duration.ofSeconds(30);

	/**
	 * Maximum time a stopping worker may take to finish its requests before it is killed.
	 * Like Gunicorn's 'graceful_timeout'. The worker that records the AOT cache
	 * ('aot-cache') has 2 minutes more when it is replaced, to write its recording as it
	 * exits; not when the master stops.
	 */
	private Duration gracefulTimeout = Duration.ofSeconds(30);

	/**
	 * Maximum time a new worker may take to become ready.
	 */
	private Duration bootTimeout = Duration.ofSeconds(90);

	/**
	 * Maximum time a request waits at the master for a ready worker, when none is ready
	 * (a cold start, every worker gone), before it is answered with 503. When unset, the
	 * boot timeout. Under 'shared-socket' requests wait in the listen backlog instead,
	 * until a worker accepts them.
	 */
	private @Nullable Duration queueTimeout;

	/**
	 * Maximum time a client may take to send a request's header, from its first byte; the
	 * connection is then closed. Applied by the master's port under the 'proxy' balancer,
	 * and by each worker under 'shared-socket'. Like nginx's 'client_header_timeout'.
	 */
	private Duration requestHeaderTimeout = Duration.ofSeconds(10);

	/**
	 * Number of requests after which a worker is replaced, 0 for never. Like Gunicorn's
	 * 'max_requests'.
	 */
	private int maxRequests = 0;

	/**
	 * Maximum random number of requests added to max-requests per worker, so that workers
	 * are not all replaced at once.
	 */
	private int maxRequestsJitter = 0;

	/**
	 * Maximum heap a worker may hold after a collection before it is replaced: a size
	 * (512MB) or a percentage of the worker's maximum heap (80%), over the limit for 3
	 * collections in a row. Unset for never. Like uWSGI's 'reload-on-rss' and PM2's
	 * 'max_memory_restart', on the heap rather than the process's memory.
	 */
	private @Nullable String maxHeapAfterGc;

	/**
	 * File to write the master's process id to, if any.
	 */
	private @Nullable Path pidfile;

	/**
	 * Addresses trusted to set forwarding headers (Forwarded, X-Forwarded-*): IP
	 * addresses or CIDR ranges, or '*' for any. Forwarding headers from any other address
	 * are dropped before the application sees them. Like Gunicorn's
	 * 'forwarded_allow_ips', but empty by default: no address is trusted.
	 */
	private List<String> forwardedAllowIps = new ArrayList<>();

	/**
	 * Forwarding headers that the addresses in forwarded-allow-ips set, and which alone
	 * are read from them: any of x-forwarded-for, x-forwarded-proto, x-forwarded-host and
	 * x-forwarded-port, or forwarded (RFC 7239) alone. A load balancer passes on the
	 * headers it does not set as its client sent them, so name only those it sets. Like
	 * Tomcat's RemoteIpValve, which reads X-Forwarded-For and X-Forwarded-Proto by
	 * default.
	 */
	private List<String> forwardedHeaders = new ArrayList<>(List.of("x-forwarded-for", "x-forwarded-proto"));

	/**
	 * Ahead-of-time cache the workers start with (JEP 483, Java 25 or later): 'off' for
	 * none; 'auto' for one the master makes itself, with 'java -jar' only: it extracts
	 * the jar into a private directory under java.io.tmpdir, records the cache from a
	 * worker that served traffic and gives it to every later worker, and after a new jar
	 * is renamed over the old one workers start from the new jar; or the path of a cache
	 * file built beforehand (-XX:AOTCacheOutput) for the application's own jar. 'auto' is
	 * off on a JVM without AOT cache support. A cache the JVM refuses, or does not say it
	 * opened, never fails a worker's boot, and workers that fail to boot with it do not
	 * count toward the master's stop: after a few failures the master goes on without it.
	 * 'auto' by default, where it is off if java.io.tmpdir is memory (tmpfs) or a Java
	 * agent is loaded; an explicit 'auto' keeps the cache in memory.
	 */
	private String aotCache = "auto";

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

	public List<String> getMasterJvmArgs() {
		return this.masterJvmArgs;
	}

	public void setMasterJvmArgs(List<String> masterJvmArgs) {
		this.masterJvmArgs = masterJvmArgs;
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

	public String getAotCache() {
		return this.aotCache;
	}

	public void setAotCache(String aotCache) {
		this.aotCache = aotCache;
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
