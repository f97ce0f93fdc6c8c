package io.github.bootconcurrency.autoconfigure.admission;

import java.util.List;

/**
 * Thrown at startup when the request limit is to be adaptive
 * ({@code concurrency.virtual.limit=adaptive}) and Netflix's concurrency-limits library,
 * whose algorithm it runs and which the starter leaves optional, is not on the class
 * path. No request was served then.
 */
public class AdaptiveLimitUnavailableException extends RuntimeException {

	private final String limitSetting;

	private final List<String> activeProfiles;

	private final List<String> missingClasses;

	private final String dependency;

	/**
	 * Create the exception.
	 * @param limitSetting where the adaptive limit was chosen, in the user's words
	 * @param activeProfiles the active profiles
	 * @param missingClasses the classes the limit needs that the class path does not have
	 * @param dependency the coordinates of the dependency that brings them
	 * ({@code group:artifact:version})
	 */
	public AdaptiveLimitUnavailableException(String limitSetting, List<String> activeProfiles,
			List<String> missingClasses, String dependency) {
		super("The adaptive request limit (" + limitSetting + ") needs " + dependency
				+ " on the class path, and these classes are missing: " + String.join(", ", missingClasses));
		this.limitSetting = limitSetting;
		this.activeProfiles = List.copyOf(activeProfiles);
		this.missingClasses = List.copyOf(missingClasses);
		this.dependency = dependency;
	}

	/**
	 * Return where the adaptive limit was chosen: the key, its value and origin.
	 * @return the setting, described
	 */
	public String getLimitSetting() {
		return this.limitSetting;
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
