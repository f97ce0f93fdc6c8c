package io.github.bootconcurrency.autoconfigure.admission;

import io.github.bootconcurrency.autoconfigure.validation.OptionalLibraryMissingFailureAnalyzer;

import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link AdaptiveLimitUnavailableException}: where the adaptive limit was
 * chosen, what is missing, and the dependency to add or the limit to choose instead.
 */
class AdaptiveLimitUnavailableFailureAnalyzer
		extends OptionalLibraryMissingFailureAnalyzer<AdaptiveLimitUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, AdaptiveLimitUnavailableException cause) {
		String description = "The request limit cannot adapt: its algorithm is Netflix's concurrency-limits "
				+ "library, which is not on the class path.\n\n" + settingAndMissingClasses("Limit", cause)
				+ "    Missing artifact: " + cause.getDependency() + "\n";
		String action = addDependency(cause, "")
				+ "Or keep the fixed limit, which needs no dependency: set concurrency.virtual.limit=fixed (the "
				+ "default).";
		return new FailureAnalysis(description, action, cause);
	}

}
