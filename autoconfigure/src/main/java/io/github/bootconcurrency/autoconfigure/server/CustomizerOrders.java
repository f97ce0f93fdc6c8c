package io.github.bootconcurrency.autoconfigure.server;

/**
 * The orders of the starter's server customizers, in one place, as they stand to Spring
 * Boot's own (order 0) and to each other.
 */
public final class CustomizerOrders {

	/**
	 * A multi-jvm worker's (its inherited socket, the forwarding headers it trusts):
	 * after Spring Boot's own, before the concurrency settings'.
	 */
	public static final int WORKER = 50;

	/**
	 * The concurrency settings': after Spring Boot's own server customizers and the
	 * worker's, before the user's unordered ones, which may still override.
	 */
	public static final int CONCURRENCY = 100;

	private CustomizerOrders() {
	}

}
