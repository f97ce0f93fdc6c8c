package io.github.bootconcurrency.autoconfigure.profiles;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for the check, at startup, that every active profile has
 * configuration: a misspelt profile otherwise starts the application with the defaults.
 */
@ConfigurationProperties("fail-fast.profiles")
public class FailFastProfilesProperties {

	/**
	 * What to do when an active profile has no configuration file or document: 'warn'
	 * (log a warning), 'fail' (stop startup) or 'ignore'.
	 */
	private Unknown unknown = Unknown.WARN;

	/**
	 * Profiles that count as known although no configuration file or document mentions
	 * them, such as profiles that only @Profile beans use.
	 */
	private List<String> known = new ArrayList<>();

	public Unknown getUnknown() {
		return this.unknown;
	}

	public void setUnknown(Unknown unknown) {
		this.unknown = unknown;
	}

	public List<String> getKnown() {
		return this.known;
	}

	public void setKnown(List<String> known) {
		this.known = known;
	}

	/**
	 * What to do about an active profile that has no configuration.
	 */
	public enum Unknown {

		/**
		 * Log a warning that names it and the profiles that have configuration.
		 */
		WARN,

		/**
		 * Stop startup with a failure analysis.
		 */
		FAIL,

		/**
		 * Say nothing.
		 */
		IGNORE

	}

}
