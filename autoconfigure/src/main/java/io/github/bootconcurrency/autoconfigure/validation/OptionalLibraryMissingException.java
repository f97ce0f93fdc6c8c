package io.github.bootconcurrency.autoconfigure.validation;

import java.util.List;

import org.springframework.util.ClassUtils;

/**
 * Thrown at startup when a setting chooses a feature built on a library that the starter
 * leaves optional, so that applications that never use the feature do not carry it, and a
 * class of that library is not on the class path. Thrown before the feature starts, so
 * that it does not fail later with a {@link NoClassDefFoundError}, half started.
 *
 * @see OptionalLibraryMissingFailureAnalyzer
 */
public abstract class OptionalLibraryMissingException extends RuntimeException {

	private final String setting;

	private final List<String> activeProfiles;

	private final List<String> missingClasses;

	private final String dependency;

	/**
	 * Create the exception.
	 * @param feature the feature that cannot run, as the start of a sentence
	 * @param setting where the feature was chosen, in the user's words
	 * @param activeProfiles the active profiles
	 * @param missingClasses the classes the feature needs that the class path does not
	 * have
	 * @param dependency the coordinates of the dependency that brings them
	 * ({@code group:artifact:version})
	 */
	protected OptionalLibraryMissingException(String feature, String setting, List<String> activeProfiles,
			List<String> missingClasses, String dependency) {
		super(feature + " (" + setting + ") needs " + dependency + " on the class path, and these classes are missing: "
				+ String.join(", ", missingClasses));
		this.setting = setting;
		this.activeProfiles = List.copyOf(activeProfiles);
		this.missingClasses = List.copyOf(missingClasses);
		this.dependency = dependency;
	}

	/**
	 * Return which of some classes a class loader does not have.
	 * @param required the names of the classes a feature cannot run without
	 * @param classLoader the application's class loader
	 * @return the names of the missing classes, empty if none is missing
	 */
	public static List<String> missing(List<String> required, ClassLoader classLoader) {
		return required.stream().filter((name) -> !ClassUtils.isPresent(name, classLoader)).toList();
	}

	/**
	 * Return where the feature was chosen: the key, its value and origin, or that it is
	 * the default.
	 * @return the setting, described
	 */
	public String getSetting() {
		return this.setting;
	}

	public List<String> getActiveProfiles() {
		return this.activeProfiles;
	}

	public List<String> getMissingClasses() {
		return this.missingClasses;
	}

	/**
	 * Return the coordinates of the dependency to add, as {@code group:artifact:version}.
	 * @return the coordinates
	 */
	public String getDependency() {
		return this.dependency;
	}

}
