package io.github.bootconcurrency.autoconfigure.validation;

import java.util.List;

/**
 * Thrown at startup when a key under {@code concurrency.*} or {@code fail-fast.*} is no
 * setting of the starter: a misspelt key would otherwise be ignored and its default used
 * without a word. Carries every such key, not only the first.
 *
 * @see UnknownSettingsFailureAnalyzer
 */
public class UnknownSettingsException extends RuntimeException {

	private final List<UnknownSetting> unknown;

	private final List<String> activeProfiles;

	public UnknownSettingsException(List<UnknownSetting> unknown, List<String> activeProfiles) {
		super(message(unknown));
		this.unknown = List.copyOf(unknown);
		this.activeProfiles = List.copyOf(activeProfiles);
	}

	private static String message(List<UnknownSetting> unknown) {
		StringBuilder message = new StringBuilder("Unknown settings:");
		unknown.forEach((setting) -> message.append(" [").append(setting.describe()).append("]"));
		return message.toString();
	}

	public List<UnknownSetting> getUnknown() {
		return this.unknown;
	}

	public List<String> getActiveProfiles() {
		return this.activeProfiles;
	}

}
