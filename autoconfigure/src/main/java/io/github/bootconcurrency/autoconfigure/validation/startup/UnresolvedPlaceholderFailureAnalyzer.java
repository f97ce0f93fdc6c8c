package io.github.bootconcurrency.autoconfigure.validation.startup;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.bootconcurrency.autoconfigure.scope.StarterScope;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.util.PlaceholderResolutionException;

/**
 * Explains a placeholder that nothing resolves, such as {@code ${REDIS_PASSWORD}} in a
 * profile's file when the variable is not set in that environment: which variable, which
 * property it feeds and where that property is written, the active profiles, and what to
 * set. It works for any property. Values are never shown, only the placeholder's name:
 * the property may be a secret, and part of it may be written out next to the
 * placeholder.
 */
class UnresolvedPlaceholderFailureAnalyzer extends AbstractFailureAnalyzer<PlaceholderResolutionException> {

	private static final int LABEL_WIDTH = 18;

	private final Environment environment;

	UnresolvedPlaceholderFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PlaceholderResolutionException cause) {
		if (isStarterOff()) {
			// Any placeholder's failure is the application's, as without the starter.
			return null;
		}
		String placeholder = cause.getPlaceholder();
		Map<String, Origin> uses = usesOf(placeholder);
		List<String> profiles = List.of(this.environment.getActiveProfiles());
		String variable = variableFor(placeholder);
		StringBuilder description = new StringBuilder();
		description.append("A setting refers to ${")
			.append(placeholder)
			.append("}, and nothing sets ")
			.append(placeholder)
			.append(": no environment variable ")
			.append(variable)
			.append(variable.equals(placeholder) ? "" : " and no property " + placeholder)
			.append(", so the application did not start.\n\n");
		line(description, "Placeholder", "${" + placeholder + "}");
		line(description, "Used by", uses.isEmpty() ? "(not found among the configuration's properties)"
				: String.join("\n" + " ".repeat(LABEL_WIDTH + 4), uses.entrySet()
					.stream()
					.map((use) -> use.getKey() + ((use.getValue() != null) ? " (from " + use.getValue() + ")" : ""))
					.toList()));
		line(description, "Active profiles", profiles.isEmpty() ? "(none)" : String.join(", ", profiles));
		String set = uses.isEmpty() ? "" : ", or set " + String.join(" or ", uses.keySet()) + " directly";
		String action = "Set the environment variable " + variable + set + ", in the environment of the active profiles"
				+ (profiles.isEmpty() ? "" : " (" + String.join(", ", profiles) + ")") + ". If the setting may be left "
				+ "out, give the placeholder a default after a colon: ${" + placeholder + ":}.";
		return new FailureAnalysis(description.toString(), action, cause);
	}

	/**
	 * The name of the environment variable that resolves a placeholder: the placeholder
	 * itself when it is written as one, else its form in Spring Boot's relaxed binding:
	 * dots become underscores and dashes go ({@code my-app.token} is resolved by
	 * {@code MYAPP_TOKEN}).
	 */
	private static String variableFor(String placeholder) {
		if (placeholder.equals(placeholder.toUpperCase(Locale.ROOT)) && !placeholder.contains(".")) {
			return placeholder;
		}
		return placeholder.replace('.', '_').replace("-", "").toUpperCase(Locale.ROOT);
	}

	/**
	 * The properties whose raw value refers to the placeholder, and where each is
	 * written, the one that wins first.
	 */
	private Map<String, Origin> usesOf(String placeholder) {
		Map<String, Origin> uses = new LinkedHashMap<>();
		if (!(this.environment instanceof ConfigurableEnvironment configurable)) {
			return uses;
		}
		String reference = "${" + placeholder;
		for (PropertySource<?> source : configurable.getPropertySources()) {
			if (!(source instanceof EnumerablePropertySource<?> enumerable)
					|| source.getName().equals("configurationProperties")) {
				continue;
			}
			for (String name : enumerable.getPropertyNames()) {
				Object value = enumerable.getProperty(name);
				if (value instanceof CharSequence text && text.toString().contains(reference)
						&& !uses.containsKey(name)) {
					uses.put(name, OriginLookup.getOrigin(source, name));
				}
			}
		}
		return uses;
	}

	private static void line(StringBuilder description, String label, String value) {
		description.append("    ")
			.append(String.format("%-" + LABEL_WIDTH + "s", label + ":"))
			.append(value)
			.append('\n');
	}

	private boolean isStarterOff() {
		try {
			return StarterScope.offBecause(this.environment) != null;
		}
		catch (RuntimeException ex) {
			// An invalid concurrency.enabled is reported on its own.
			return false;
		}
	}

}
