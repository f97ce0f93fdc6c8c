package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.util.List;

/**
 * Thrown at startup when the multi-jvm master runs with a JVM option that its workers
 * would all get and that only one JVM can have, such as a fixed JMX port: every worker
 * would fail to boot. Nothing was started then.
 */
public class UnshareableJvmOptionsException extends RuntimeException {

	private final List<String> reasons;

	/**
	 * Create the exception.
	 * @param reasons each option, where it comes from and why workers cannot share it
	 */
	public UnshareableJvmOptionsException(List<String> reasons) {
		super("The multi-jvm master's workers cannot share these JVM options: " + String.join("; ", reasons));
		this.reasons = List.copyOf(reasons);
	}

	/**
	 * Return each option, where it comes from and why workers cannot share it.
	 * @return the reasons
	 */
	public List<String> getReasons() {
		return this.reasons;
	}

}
