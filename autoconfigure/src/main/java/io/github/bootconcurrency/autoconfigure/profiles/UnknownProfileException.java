package io.github.bootconcurrency.autoconfigure.profiles;

import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at startup when an active profile has no configuration, and
 * {@code fail-fast.profiles.unknown} is {@code fail}.
 */
public class UnknownProfileException extends RuntimeException {

	private final List<String> unknown;

	private final List<String> activeProfiles;

	private final Set<String> configured;

	private final @Nullable String activatedBy;

	/**
	 * Create the exception.
	 * @param unknown the active profiles that have no configuration
	 * @param activeProfiles every active profile
	 * @param configured the profiles that have configuration
	 * @param activatedBy where the active profiles were set, or {@code null} if unknown
	 */
	public UnknownProfileException(List<String> unknown, List<String> activeProfiles, Set<String> configured,
			@Nullable String activatedBy) {
		super(describe(unknown, configured, activatedBy));
		this.unknown = List.copyOf(unknown);
		this.activeProfiles = List.copyOf(activeProfiles);
		this.configured = Set.copyOf(configured);
		this.activatedBy = activatedBy;
	}

	static String describe(List<String> unknown, Set<String> configured, @Nullable String activatedBy) {
		String profiles = String.join(", ", unknown.stream().map((profile) -> "'" + profile + "'").toList());
		String files = String.join(", ", unknown.stream().map((profile) -> "application-" + profile + ".yml").toList());
		return "The active profile" + ((unknown.size() > 1) ? "s " : " ") + profiles
				+ ((activatedBy != null) ? " (" + activatedBy + ")" : "") + " ha" + ((unknown.size() > 1) ? "ve" : "s")
				+ " no configuration: no " + files + " (or .properties, .yaml) and no document with "
				+ "spring.config.activate.on-profile for " + ((unknown.size() > 1) ? "them" : "it")
				+ ". Profiles with configuration: " + (configured.isEmpty() ? "(none)" : String.join(", ", configured))
				+ ".";
	}

	public List<String> getUnknown() {
		return this.unknown;
	}

	public List<String> getActiveProfiles() {
		return this.activeProfiles;
	}

	public Set<String> getConfigured() {
		return this.configured;
	}

	public @Nullable String getActivatedBy() {
		return this.activatedBy;
	}

}
