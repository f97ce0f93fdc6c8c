package io.github.bootconcurrency.autoconfigure.model;

import java.time.Duration;

import io.github.bootconcurrency.autoconfigure.ConcurrencyProperties;

/**
 * How an application serves its requests, chosen with {@code concurrency.model}.
 *
 * <p>
 * Each constant carries what differs between the models: which Gunicorn worker class it
 * stands for, whether request handlers run on virtual threads, how many requests may be
 * handled at once, how long an extra one may wait for a slot, and the connection defaults.
 * Everything that is the same for every model lives outside the enum.
 *
 * @see ConditionalOnConcurrencyModel
 */
public enum ConcurrencyModel {

	/**
	 * A bounded pool of platform threads: one thread a request, like Gunicorn's
	 * {@code gthread} worker with {@code threads}.
	 */
	PLATFORM("platform", "gthread (threads = max-threads)", 8192),

	/**
	 * One virtual thread a request under a cap on requests in flight, like Gunicorn's
	 * {@code gevent} worker with {@code worker_connections}.
	 */
	VIRTUAL("virtual", "gevent (worker_connections = max-concurrent-requests)", -1) {

		@Override
		public boolean usesVirtualThreads() {
			return true;
		}

		@Override
		public int requestLimit(ConcurrencyProperties properties) {
			return properties.getVirtual().getMaxConcurrentRequests();
		}

		@Override
		public Duration queueTimeout(ConcurrencyProperties properties) {
			return properties.getVirtual().getQueueTimeout();
		}

		@Override
		public int defaultMaxConnections(ConcurrencyProperties properties) {
			// Requests over the cap must be accepted to wait for a slot (and get their 503):
			// leave room for one full backlog of them on top of the cap.
			return requestLimit(properties) + properties.getBacklog();
		}

	},

	/**
	 * Several worker JVMs of the same application behind one port, supervised by a
	 * master process, like Gunicorn's arbiter with {@code workers}. The master starts
	 * before any application context; each worker runs {@code multi-jvm.worker-model}.
	 */
	MULTI_JVM("multi-jvm", "workers (pre-fork arbiter)", 8192) {

		@Override
		public boolean isServedInProcess() {
			return false;
		}

	};

	private final String value;

	private final String gunicornEquivalent;

	private final int defaultMaxConnections;

	ConcurrencyModel(String value, String gunicornEquivalent, int defaultMaxConnections) {
		this.value = value;
		this.gunicornEquivalent = gunicornEquivalent;
		this.defaultMaxConnections = defaultMaxConnections;
	}

	/**
	 * Return the value of this model as written in {@code concurrency.model}.
	 * @return the property value, such as {@code multi-jvm}
	 */
	public String value() {
		return this.value;
	}

	/**
	 * Return the Gunicorn setting that this model corresponds to.
	 * @return a short description of the Gunicorn equivalent
	 */
	public String gunicornEquivalent() {
		return this.gunicornEquivalent;
	}

	/**
	 * Return whether an application context serves requests itself under this model.
	 * @return {@code false} for a model whose requests are served by other processes
	 */
	public boolean isServedInProcess() {
		return true;
	}

	/**
	 * Return whether request handlers run on virtual threads.
	 * @return whether handlers run on virtual threads
	 */
	public boolean usesVirtualThreads() {
		return false;
	}

	/**
	 * Return how many requests may be handled at once: by default one a pool thread.
	 * @param properties the bound properties
	 * @return the maximum number of requests in flight
	 */
	public int requestLimit(ConcurrencyProperties properties) {
		return properties.getPlatform().getMaxThreads();
	}

	/**
	 * Return how long a request over the limit waits for a slot before it is rejected. By
	 * default it waits for a thread for as long as it takes, as in Tomcat's queue.
	 * @param properties the bound properties
	 * @return the wait, or {@code null} to wait for as long as it takes
	 */
	public Duration queueTimeout(ConcurrencyProperties properties) {
		return null;
	}

	/**
	 * Return the connection limit used when {@code concurrency.max-connections} is not
	 * set.
	 * @param properties the bound properties
	 * @return the default maximum number of open connections
	 */
	public int defaultMaxConnections(ConcurrencyProperties properties) {
		return this.defaultMaxConnections;
	}

	/**
	 * Return the model written as {@code value}, ignoring case, dashes and underscores.
	 * @param value the property value
	 * @return the model, or {@code null} if no model has that name
	 */
	public static ConcurrencyModel fromValue(String value) {
		String canonical = value.trim().replace("_", "").replace("-", "");
		for (ConcurrencyModel model : values()) {
			if (model.value.replace("-", "").equalsIgnoreCase(canonical)) {
				return model;
			}
		}
		return null;
	}

	/**
	 * Return the allowed values, as a user writes them.
	 * @return the allowed values, comma separated
	 */
	public static String allowedValues() {
		StringBuilder allowed = new StringBuilder();
		for (ConcurrencyModel model : values()) {
			allowed.append((allowed.length() > 0) ? ", " : "").append(model.value);
		}
		return allowed.toString();
	}

	@Override
	public String toString() {
		return this.value;
	}

}
