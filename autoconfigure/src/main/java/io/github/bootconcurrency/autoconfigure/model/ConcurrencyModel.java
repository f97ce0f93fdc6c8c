package io.github.bootconcurrency.autoconfigure.model;

import org.jspecify.annotations.Nullable;

/**
 * How an application serves its requests, chosen with {@code concurrency.model}.
 *
 * <p>
 * Each constant knows only what the model is: its name, the Gunicorn worker class it
 * stands for, whether an application context serves it and whether request handlers run
 * on virtual threads. The numbers that follow from a model (how many requests may be
 * handled at once, how long an extra one may wait, the connection defaults) are resolved
 * by {@code ConcurrencySettings} together with the server's own keys: a number derived
 * here from raw properties would miss a value adopted from {@code server.tomcat.*} or
 * {@code server.jetty.*}.
 *
 * @see ConditionalOnConcurrencyModel
 */
public enum ConcurrencyModel {

	/**
	 * A bounded pool of platform threads: one thread a request, like Gunicorn's
	 * {@code gthread} worker with {@code threads}.
	 */
	PLATFORM("platform", "gthread (threads = max-threads)"),

	/**
	 * One virtual thread a request under a cap on requests in flight, like Gunicorn's
	 * {@code gevent} worker with {@code worker_connections}.
	 */
	VIRTUAL("virtual", "gevent (worker_connections = max-concurrent-requests)") {

		@Override
		public boolean usesVirtualThreads() {
			return true;
		}

	},

	/**
	 * Several worker JVMs of the same application behind one port, supervised by a master
	 * process, like Gunicorn's arbiter with {@code workers}. The master starts before any
	 * application context; each worker runs {@code multi-jvm.worker-model}.
	 */
	MULTI_JVM("multi-jvm", "workers (pre-fork arbiter)") {

		@Override
		public boolean isServedInProcess() {
			return false;
		}

	};

	private final String value;

	private final String gunicornEquivalent;

	ConcurrencyModel(String value, String gunicornEquivalent) {
		this.value = value;
		this.gunicornEquivalent = gunicornEquivalent;
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
	 * Return the model written as {@code value}, ignoring case, dashes and underscores.
	 * @param value the property value
	 * @return the model, or {@code null} if no model has that name
	 */
	public static @Nullable ConcurrencyModel fromValue(String value) {
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
