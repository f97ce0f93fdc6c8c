package io.github.bootconcurrency.benchmark.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * Command line arguments of the form {@code --key=value}, {@code --flag} and positional
 * words. Every option read is remembered, so that a misspelt one is reported instead of
 * silently ignored: a benchmark run with a typo in it would otherwise measure the wrong
 * thing for half an hour.
 */
public final class Arguments {

	private final List<String> positional = new ArrayList<>();

	private final Map<String, String> options = new LinkedHashMap<>();

	private final Set<String> read = new TreeSet<>();

	public Arguments(String... args) {
		for (String arg : args) {
			if (arg.startsWith("--")) {
				int equals = arg.indexOf('=');
				if (equals < 0) {
					this.options.put(arg.substring(2), "true");
				}
				else {
					this.options.put(arg.substring(2, equals), arg.substring(equals + 1));
				}
			}
			else {
				this.positional.add(arg);
			}
		}
	}

	public List<String> positional() {
		return this.positional;
	}

	boolean has(String key) {
		this.read.add(key);
		return this.options.containsKey(key);
	}

	public boolean flag(String key) {
		this.read.add(key);
		String value = this.options.get(key);
		return value != null && !value.equalsIgnoreCase("false");
	}

	public String string(String key, String defaultValue) {
		this.read.add(key);
		return this.options.getOrDefault(key, defaultValue);
	}

	/** The option's value, or {@code null} when it is not given. */
	public @Nullable String string(String key) {
		this.read.add(key);
		return this.options.get(key);
	}

	public int integer(String key, int defaultValue, int min, int max) {
		String value = string(key);
		if (value == null) {
			return defaultValue;
		}
		int parsed;
		try {
			parsed = Integer.parseInt(value.replace("_", "").replace(",", ""));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("--" + key + " must be a whole number, was '" + value + "'");
		}
		if (parsed < min || parsed > max) {
			throw new IllegalArgumentException("--" + key + " must be from " + min + " to " + max + ", was " + parsed);
		}
		return parsed;
	}

	public double decimal(String key, double defaultValue, double min, double max) {
		String value = string(key);
		if (value == null) {
			return defaultValue;
		}
		double parsed;
		try {
			parsed = Double.parseDouble(value);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("--" + key + " must be a number, was '" + value + "'");
		}
		if (!(parsed >= min && parsed <= max)) {
			throw new IllegalArgumentException("--" + key + " must be from " + min + " to " + max + ", was " + parsed);
		}
		return parsed;
	}

	public Duration duration(String key, Duration defaultValue, Duration max) {
		String value = string(key);
		if (value == null) {
			return defaultValue;
		}
		Duration parsed = parseDuration(key, value);
		if (parsed.isNegative() || parsed.compareTo(max) > 0) {
			throw new IllegalArgumentException(
					"--" + key + " must be from 0 to " + max.toSeconds() + "s, was " + value);
		}
		return parsed;
	}

	public List<String> list(String key, List<String> defaultValue) {
		String value = string(key);
		if (value == null) {
			return defaultValue;
		}
		return Arrays.stream(value.split(",")).map(String::strip).filter((item) -> !item.isEmpty()).toList();
	}

	/**
	 * Fails on options that no code asked for.
	 */
	public void rejectUnknown() {
		Set<String> unknown = new TreeSet<>(this.options.keySet());
		unknown.removeAll(this.read);
		if (!unknown.isEmpty()) {
			throw new IllegalArgumentException("Unknown option(s): --" + String.join(", --", unknown));
		}
	}

	/**
	 * Parses {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h} or a plain number of
	 * seconds ({@code 1.5}).
	 */
	static Duration parseDuration(String key, String value) {
		String text = value.strip().toLowerCase();
		try {
			if (text.endsWith("ms")) {
				return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
			}
			double factor = 1;
			if (text.endsWith("s")) {
				text = text.substring(0, text.length() - 1);
			}
			else if (text.endsWith("m")) {
				factor = 60;
				text = text.substring(0, text.length() - 1);
			}
			else if (text.endsWith("h")) {
				factor = 3600;
				text = text.substring(0, text.length() - 1);
			}
			return Duration.ofNanos((long) (Double.parseDouble(text) * factor * 1e9));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(
					"--" + key + " must be a duration such as 500ms, 10s or 2m, was '" + value + "'");
		}
	}

}
