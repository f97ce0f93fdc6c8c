package io.github.bootconcurrency.autoconfigure.profiles;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link UnknownProfileException}: which active profile has no configuration,
 * which profiles do, and what to change.
 */
class UnknownProfileFailureAnalyzer extends AbstractFailureAnalyzer<UnknownProfileException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnknownProfileException cause) {
		String action = "Correct the profile's name in spring.profiles.active (see Profiles with configuration), or "
				+ "give it configuration. If only @Profile beans use it, add it to fail-fast.profiles.known. "
				+ "To be warned only, set fail-fast.profiles.unknown=warn.";
		return new FailureAnalysis(
				cause.getMessage() + "\n\nActive profiles: " + String.join(", ", cause.getActiveProfiles()), action,
				cause);
	}

}
