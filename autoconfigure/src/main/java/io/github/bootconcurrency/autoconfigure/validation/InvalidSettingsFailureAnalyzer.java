package io.github.bootconcurrency.autoconfigure.validation;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidSettingsException}: each key, its value and where it came
 * from, what is allowed, and what to change.
 */
class InvalidSettingsFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSettingsException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidSettingsException cause) {
		StringBuilder description = new StringBuilder("These settings");
		description.append(cause.getActiveProfiles().isEmpty() ? " (no active profile)"
				: " (active profiles: " + String.join(", ", cause.getActiveProfiles()) + ")");
		description.append(" cannot be used:\n");
		StringBuilder action = new StringBuilder();
		for (Violation violation : cause.getViolations()) {
			description.append("\n    ").append(violation.describe());
			action.append((action.length() > 0) ? "\n" : "").append(violation.action());
		}
		return new FailureAnalysis(description.toString(), action.toString(), cause);
	}

}
