package io.github.bootconcurrency.autoconfigure.validation;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;

/**
 * Base of the analyzers that explain an {@link OptionalLibraryMissingException}: the
 * lines every such analysis has (the active profiles, the missing classes, the dependency
 * to add with Maven or Gradle), for a subclass to put around what its feature says.
 *
 * @param <T> the exception analyzed
 */
public abstract class OptionalLibraryMissingFailureAnalyzer<T extends OptionalLibraryMissingException>
		extends AbstractFailureAnalyzer<T> {

	/**
	 * Return the lines of a description that name where the feature was chosen, the
	 * active profiles and the missing classes.
	 * @param settingLabel what the setting is, such as {@code Limit}
	 * @param cause the failure
	 * @return the lines, each ending with a new line
	 */
	protected static String settingAndMissingClasses(String settingLabel, OptionalLibraryMissingException cause) {
		return "    " + "%-18s".formatted(settingLabel + ":") + cause.getSetting() + "\n" + "    Active profiles:  "
				+ (cause.getActiveProfiles().isEmpty() ? "(none)" : String.join(", ", cause.getActiveProfiles())) + "\n"
				+ "    Missing classes:  " + String.join(", ", cause.getMissingClasses()) + "\n";
	}

	/**
	 * Return how to add the missing dependency, with Maven and with Gradle.
	 * @param cause the failure
	 * @param note what to say of the dependency after "to the application's
	 * dependencies", or an empty string
	 * @return the paragraphs, ending with a blank line
	 */
	protected static String addDependency(OptionalLibraryMissingException cause, String note) {
		String[] coordinates = cause.getDependency().split(":");
		return "Add " + cause.getDependency() + " to the application's dependencies" + note + ", with Maven:\n\n"
				+ "    <dependency>\n" + "      <groupId>" + coordinates[0] + "</groupId>\n" + "      <artifactId>"
				+ coordinates[1] + "</artifactId>\n" + "      <version>" + coordinates[2] + "</version>\n"
				+ "    </dependency>\n\n" + "or with Gradle: implementation '" + cause.getDependency() + "'.\n\n";
	}

}
