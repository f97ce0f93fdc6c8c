package io.github.bootconcurrency.autoconfigure.admission;

import java.util.List;

import io.github.bootconcurrency.autoconfigure.validation.OptionalLibraryMissingException;

/**
 * Thrown at startup when the request limit is to be adaptive
 * ({@code concurrency.virtual.limit=adaptive}) and Netflix's concurrency-limits library,
 * whose algorithm it runs and which the starter leaves optional, is not on the class
 * path. No request was served then.
 */
public class AdaptiveLimitUnavailableException extends OptionalLibraryMissingException {

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
		super("The adaptive request limit", limitSetting, activeProfiles, missingClasses, dependency);
	}

	/**
	 * Return where the adaptive limit was chosen: the key, its value and origin.
	 * @return the setting, described
	 */
	public String getLimitSetting() {
		return getSetting();
	}

}
