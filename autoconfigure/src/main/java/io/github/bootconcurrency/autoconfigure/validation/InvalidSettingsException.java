package io.github.bootconcurrency.autoconfigure.validation;

import java.util.List;

/**
 * Thrown at startup when the starter's settings ({@code concurrency.*},
 * {@code fail-fast.*}), or their combination with the server's and Spring Boot's own
 * keys, cannot be used. Carries every violation found, not only the first, so that one
 * restart is enough to see them all.
 *
 * @see InvalidSettingsFailureAnalyzer
 */
public class InvalidSettingsException extends RuntimeException {

	private final List<Violation> violations;

	private final List<String> activeProfiles;

	public InvalidSettingsException(List<Violation> violations, List<String> activeProfiles) {
		super(message(violations));
		this.violations = List.copyOf(violations);
		this.activeProfiles = List.copyOf(activeProfiles);
	}

	private static String message(List<Violation> violations) {
		StringBuilder message = new StringBuilder("Invalid settings:");
		violations.forEach((violation) -> message.append(" [").append(violation.describe()).append("]"));
		return message.toString();
	}

	public List<Violation> getViolations() {
		return this.violations;
	}

	public List<String> getActiveProfiles() {
		return this.activeProfiles;
	}

}
