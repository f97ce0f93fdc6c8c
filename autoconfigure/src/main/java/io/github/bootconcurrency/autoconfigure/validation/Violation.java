package io.github.bootconcurrency.autoconfigure.validation;

import org.jspecify.annotations.Nullable;

/**
 * One invalid setting: the key, the offending value and where it came from, what is wrong
 * and what to do.
 *
 * @param key the property key at fault
 * @param value the offending value
 * @param origin where the value came from, or {@code null} if unknown
 * @param problem what is wrong, including what is allowed
 * @param action what the user should change
 */
public record Violation(String key, Object value, @Nullable Object origin, String problem, String action) {

	/**
	 * Create a violation for a value outside what is allowed.
	 * @param configured the value as configured, or {@code null} for a default
	 * @param key the key
	 * @param value the effective value
	 * @param allowed what is allowed
	 * @return the violation
	 */
	public static Violation notAllowed(@Nullable ConfiguredValue configured, String key, Object value, String allowed) {
		Object origin = (configured != null) ? configured.origin() : null;
		return new Violation(key, value, origin, "allowed: " + allowed,
				"Change " + key + " to a value that is allowed (" + allowed + ").");
	}

	String describe() {
		StringBuilder description = new StringBuilder();
		description.append(this.key).append(" = ").append(this.value);
		if (this.origin != null) {
			description.append(" (from ").append(this.origin).append(")");
		}
		return description.append(": ").append(this.problem).toString();
	}

}
