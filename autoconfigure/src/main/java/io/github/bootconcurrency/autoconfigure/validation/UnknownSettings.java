package io.github.bootconcurrency.autoconfigure.validation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Finds the keys under {@code concurrency.*} and {@code fail-fast.*} that no setting has,
 * in every property source of an environment, and refuses those that are certainly meant
 * for the starter: Spring Boot ignores a key that nothing binds, so
 * {@code concurrency.virtual.max-concurent-requests} would start the application with the
 * default cap and nothing would say so.
 *
 * <p>
 * The starter owns only its own keys, not the two prefixes: {@code concurrency.pool-size}
 * may be the application's own setting for its own executor. So a key is refused when it
 * lies in one of the starter's groups ({@code concurrency.platform.*},
 * {@code concurrency.virtual.*}, {@code concurrency.multi-jvm.*},
 * {@code fail-fast.redis.*}, ...) or its first part is a typo of one of the starter's
 * ({@code concurrency.request-timout}); any other is named, with the others, in one
 * warning, and the application starts.
 *
 * <p>
 * The known keys come from the configuration processor's metadata (see
 * {@link KnownKeys}), so a key is known as soon as a properties class has it. Every
 * source that the application's configuration controls is checked: files, command-line
 * arguments, system properties, {@code SPRING_APPLICATION_JSON}, default properties. The
 * system environment is the exception: it is shared with every other program (a
 * {@code CONCURRENCY_LEVEL} set for another tool is no typo of ours), so a variable that
 * maps to no setting is only warned about, and the variables the starter itself sets for
 * its workers ({@code CONCURRENCY_WORKER_*}, {@code CONCURRENCY_MASTER_*}) are no
 * settings at all.
 */
public final class UnknownSettings {

	/**
	 * Prefixes whose keys are the starter's.
	 */
	public static final List<String> PREFIXES = List.of("concurrency", "fail-fast");

	private static final List<String> PROCESS_VARIABLES = List.of("CONCURRENCY_WORKER_", "CONCURRENCY_MASTER_");

	private UnknownSettings() {
	}

	/**
	 * Refuse every unknown key of the environment, and warn about each unknown
	 * environment variable.
	 * @param environment the environment, with the configuration loaded
	 * @param classLoader the class loader with the metadata
	 * @param warnings where the warnings about environment variables go
	 * @throws UnknownSettingsException listing every unknown key, where it was set and
	 * the known key closest to it
	 */
	public static void check(ConfigurableEnvironment environment, ClassLoader classLoader, Consumer<String> warnings) {
		KnownKeys known = KnownKeys.load(classLoader, PREFIXES);
		if (known.isEmpty()) {
			// No metadata (the configuration processor did not run): refusing every key
			// would be worse than checking none.
			return;
		}
		Set<UnknownSetting> refused = new LinkedHashSet<>();
		Set<String> ignored = new LinkedHashSet<>();
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (!(source instanceof EnumerablePropertySource<?> enumerable)) {
				continue;
			}
			boolean systemEnvironment = isSystemEnvironment(source);
			for (String key : enumerable.getPropertyNames()) {
				if (systemEnvironment) {
					UnknownSetting variable = unknownVariable(known, enumerable, key);
					if (variable != null) {
						warnings.accept(describeVariable(variable));
					}
				}
				else {
					UnknownSetting setting = unknownKey(known, enumerable, key);
					if (setting != null && known.isStarters(ConfigurationPropertyName.adapt(key, '.'))) {
						refused.add(setting);
					}
					else if (setting != null) {
						// poolSize on the command line, pool-size in a file: one key.
						ignored.add(canonical(key));
					}
				}
			}
		}
		if (!refused.isEmpty()) {
			throw new UnknownSettingsException(new ArrayList<>(refused), List.of(environment.getActiveProfiles()));
		}
		if (!ignored.isEmpty()) {
			warnings.accept("These keys under concurrency.* or fail-fast.* are no settings of the starter and are left "
					+ "to the application: " + String.join(", ", ignored) + ". If one was meant for the starter, "
					+ "correct it: its settings are listed in the starter's README.");
		}
	}

	private static @Nullable UnknownSetting unknownKey(KnownKeys known, EnumerablePropertySource<?> source,
			String key) {
		ConfigurationPropertyName name;
		try {
			name = ConfigurationPropertyName.adapt(key, '.');
		}
		catch (RuntimeException ex) {
			return null;
		}
		if (name.isEmpty() || !known.isUnderPrefixes(name) || known.isKnown(name, source.getProperty(key))) {
			return null;
		}
		return new UnknownSetting(key, origin(source, key), known.closest(key));
	}

	private static @Nullable UnknownSetting unknownVariable(KnownKeys known, EnumerablePropertySource<?> source,
			String variable) {
		String upper = variable.toUpperCase(Locale.ROOT);
		if (PROCESS_VARIABLES.stream().anyMatch(upper::startsWith) || !known.isVariableUnderPrefixes(variable)
				|| known.isKnownVariable(variable, source.getProperty(variable))) {
			return null;
		}
		return new UnknownSetting(variable, origin(source, variable), known.closest(variable));
	}

	private static String describeVariable(UnknownSetting variable) {
		return "The environment variable " + variable.key() + " is under the starter's prefixes but is no setting, so"
				+ " it is ignored"
				+ ((variable.closest() != null)
						? "; closest known key: " + variable.closest() + " ("
								+ variable.closest().toUpperCase(Locale.ROOT).replace('.', '_').replace("-", "") + ")"
						: "")
				+ ". Correct or remove it if it was meant for this application.";
	}

	/**
	 * Return a key in the dashed, lower-case form that the README uses, so that its
	 * relaxed forms are named once: {@code concurrency.poolSize} and
	 * {@code concurrency.pool_size} are {@code concurrency.pool-size}.
	 */
	static String canonical(String key) {
		StringBuilder canonical = new StringBuilder(key.length() + 4);
		for (int i = 0; i < key.length(); i++) {
			char ch = key.charAt(i);
			if (ch == '_') {
				canonical.append('-');
				continue;
			}
			if (Character.isUpperCase(ch) && i > 0 && Character.isLowerCase(key.charAt(i - 1))) {
				canonical.append('-');
			}
			canonical.append(Character.toLowerCase(ch));
		}
		return canonical.toString();
	}

	private static Object origin(PropertySource<?> source, String key) {
		Origin origin = PropertySourceOrigin.get(source, key);
		return (origin != null) ? origin : "property source '" + source.getName() + "'";
	}

	private static boolean isSystemEnvironment(PropertySource<?> source) {
		return source instanceof SystemEnvironmentPropertySource
				|| StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(source.getName());
	}

}
