package io.github.bootconcurrency.autoconfigure.admission;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link AdaptiveLimitUnavailableException}: where the adaptive limit was
 * chosen, what is missing, and the dependency to add or the limit to choose instead.
 */
class AdaptiveLimitUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<AdaptiveLimitUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, AdaptiveLimitUnavailableException cause) {
		String[] coordinates = cause.getDependency().split(":");
		String description = "The request limit cannot adapt: its algorithm is Netflix's concurrency-limits "
				+ "library, which is not on the class path.\n\n" + "    Limit:            " + cause.getLimitSetting()
				+ "\n" + "    Active profiles:  "
				+ (cause.getActiveProfiles().isEmpty() ? "(none)" : String.join(", ", cause.getActiveProfiles())) + "\n"
				+ "    Missing classes:  " + String.join(", ", cause.getMissingClasses()) + "\n"
				+ "    Missing artifact: " + cause.getDependency() + "\n";
		String action = "Add " + cause.getDependency() + " to the application's dependencies, with Maven:\n\n"
				+ "    <dependency>\n" + "      <groupId>" + coordinates[0] + "</groupId>\n" + "      <artifactId>"
				+ coordinates[1] + "</artifactId>\n" + "      <version>" + coordinates[2] + "</version>\n"
				+ "    </dependency>\n\n" + "or with Gradle: implementation '" + cause.getDependency() + "'.\n\n"
				+ "Or keep the fixed limit, which needs no dependency: set concurrency.virtual.limit=fixed (the "
				+ "default).";
		return new FailureAnalysis(description, action, cause);
	}

}
