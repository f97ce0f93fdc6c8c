package io.github.bootconcurrency.autoconfigure.validation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;

/**
 * Collects every invalid setting of one group before failing, so that a user sees all of
 * them in one failure analysis. Each check quotes the value's origin.
 */
public final class SettingsChecks {

	private final Environment environment;

	private final List<Violation> violations = new ArrayList<>();

	public SettingsChecks(Environment environment) {
		this.environment = environment;
	}

	/**
	 * Check a whole number against a range.
	 * @param key the key
	 * @param value the effective value
	 * @param min the smallest value allowed
	 * @param max the largest value allowed
	 */
	public void range(String key, long value, long min, long max) {
		range(key, value, min, max, "a whole number from " + min + " to " + max);
	}

	/**
	 * Check a number against a range, saying what is allowed in the caller's words.
	 * @param key the key
	 * @param value the effective value
	 * @param min the smallest value allowed
	 * @param max the largest value allowed
	 * @param allowed what is allowed, for the user
	 */
	public void range(String key, double value, double min, double max, String allowed) {
		if (!(value >= min && value <= max)) {
			Object shown = (value == Math.rint(value) && Math.abs(value) < Long.MAX_VALUE) ? (Object) (long) value
					: (Object) value;
			add(Violation.notAllowed(ConfiguredValue.find(this.environment, key), key, shown, allowed));
		}
	}

	/**
	 * Check that a duration is set and within bounds.
	 * @param key the key
	 * @param value the effective value, or {@code null} if set to nothing
	 * @param min the shortest duration allowed
	 * @param max the longest duration allowed
	 */
	public void duration(String key, @Nullable Duration value, Duration min, Duration max) {
		duration(key, value, min, max, null);
	}

	/**
	 * Check that a duration is set and within bounds, the longest allowed being another
	 * key's value.
	 * @param key the key
	 * @param value the effective value, or {@code null} if set to nothing
	 * @param min the shortest duration allowed
	 * @param max the longest duration allowed
	 * @param maxKey the key whose value {@code max} is, or {@code null}
	 */
	public void duration(String key, @Nullable Duration value, Duration min, Duration max, @Nullable String maxKey) {
		if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
			String allowed = "a duration from " + (min.isZero() ? "0" : format(min)) + " to "
					+ ((maxKey != null) ? maxKey + " (" + format(max) + ")" : format(max))
					+ ", such as 500ms, 5s or 2m";
			ConfiguredValue configured = ConfiguredValue.find(this.environment, key);
			// As the user wrote it (0s), not as bound (PT0S); a default or an adopted
			// value in the same units.
			Object shown = (configured != null && configured.value() != null
					&& !String.valueOf(configured.value()).isBlank()) ? String.valueOf(configured.value()).trim()
							: (value != null) ? format(value) : "(empty)";
			add(Violation.notAllowed(configured, key, shown, allowed));
		}
	}

	/**
	 * Record a violation found by the caller.
	 * @param violation the violation
	 */
	public void add(Violation violation) {
		this.violations.add(violation);
	}

	/**
	 * Fail with every violation recorded, if there is any.
	 * @throws InvalidSettingsException if any check failed
	 */
	public void throwIfInvalid() {
		if (!this.violations.isEmpty()) {
			throw new InvalidSettingsException(this.violations, List.of(this.environment.getActiveProfiles()));
		}
	}

	/**
	 * Format a duration the way users write it: {@code 5s}, {@code 500ms}, {@code 1h}.
	 * @param duration the duration
	 * @return the text
	 */
	public static String format(Duration duration) {
		try {
			if (duration.getNano() % 1_000_000 != 0) {
				return duration.toNanos() + "ns";
			}
			long millis = duration.toMillis();
			if (millis != 0 && millis % 3_600_000 == 0) {
				return (millis / 3_600_000) + "h";
			}
			if (millis != 0 && millis % 60_000 == 0) {
				return (millis / 60_000) + "m";
			}
			return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
		}
		catch (ArithmeticException ex) {
			// Longer than Long.MAX_VALUE nanoseconds or milliseconds.
			return (duration.toDays() + "d");
		}
	}

}
