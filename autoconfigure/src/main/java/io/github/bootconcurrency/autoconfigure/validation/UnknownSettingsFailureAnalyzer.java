package io.github.bootconcurrency.autoconfigure.validation;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link UnknownSettingsException}: each key that is no setting, where it was
 * set, and the known key closest to it.
 */
class UnknownSettingsFailureAnalyzer extends AbstractFailureAnalyzer<UnknownSettingsException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnknownSettingsException cause) {
		StringBuilder description = new StringBuilder("These keys");
		description.append(cause.getActiveProfiles().isEmpty() ? " (no active profile)"
				: " (active profiles: " + String.join(", ", cause.getActiveProfiles()) + ")");
		description.append(" are not settings of the starter, so they would be ignored and the defaults used:\n");
		StringBuilder action = new StringBuilder();
		for (UnknownSetting setting : cause.getUnknown()) {
			description.append("\n    ").append(setting.describe());
			action.append((action.length() > 0) ? "\n" : "")
				.append("Correct ")
				.append(setting.key())
				.append((setting.closest() != null) ? " (to " + setting.closest() + " if that is what it means)" : "")
				.append(" or remove it.");
		}
		action.append("\nThe settings under concurrency.* and fail-fast.* are listed in the starter's README. A key "
				+ "of the application's own under these prefixes is only warned about, unless it lies in one of the "
				+ "starter's groups (such as concurrency.platform) or is a typo of one of its settings.");
		return new FailureAnalysis(description.toString(), action.toString(), cause);
	}

}
