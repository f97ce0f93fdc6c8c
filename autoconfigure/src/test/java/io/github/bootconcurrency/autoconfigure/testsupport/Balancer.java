package io.github.bootconcurrency.autoconfigure.testsupport;

import java.util.List;

/**
 * The balancer a multi-jvm test runs its master with. Every such test names one: what the
 * master picks by default depends on the OS and the JDK, and a test must cover the same
 * thing wherever it runs.
 */
public enum Balancer {

	/**
	 * {@code concurrency.multi-jvm.balancer=proxy}.
	 */
	PROXY("proxy"),

	/**
	 * {@code concurrency.multi-jvm.balancer=shared-socket}.
	 */
	SHARED_SOCKET("shared-socket"),

	/**
	 * No balancer set: whatever the master picks here. Only for a test of that choice.
	 */
	DEFAULT(null);

	private final String value;

	Balancer(String value) {
		this.value = value;
	}

	/**
	 * Return the value of the property, or {@code null} for {@link #DEFAULT}.
	 * @return the value
	 */
	public String value() {
		return this.value;
	}

	/**
	 * Return the application argument that sets this balancer, if any.
	 * @return the arguments
	 */
	List<String> arguments() {
		return (this.value != null) ? List.of("--concurrency.multi-jvm.balancer=" + this.value) : List.of();
	}

	@Override
	public String toString() {
		return (this.value != null) ? this.value : "default";
	}

}
