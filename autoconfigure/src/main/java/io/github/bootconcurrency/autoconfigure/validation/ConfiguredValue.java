package io.github.bootconcurrency.autoconfigure.validation;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;

/**
 * A property as the user wrote it: its key, raw value and where it came from.
 *
 * <p>
 * Errors and the {@code concurrency} endpoint quote these so that a user sees the file
 * and line (or the environment variable, or the command-line argument) to change, not
 * just the key.
 *
 * @param key the canonical property key
 * @param value the raw value
 * @param origin where the value came from, or {@code null} if unknown
 */
public record ConfiguredValue(String key, Object value, @Nullable Origin origin) {

	/**
	 * Find the value that wins for {@code key}, in any relaxed form of the key.
	 * @param environment the environment to search
	 * @param key the canonical key, such as {@code concurrency.platform.max-threads}
	 * @return the value, or {@code null} if the key is not set
	 */
	public static @Nullable ConfiguredValue find(Environment environment, String key) {
		ConfigurationPropertyName name = ConfigurationPropertyName.of(key);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			ConfigurationProperty property = source.getConfigurationProperty(name);
			if (property != null) {
				return new ConfiguredValue(key, property.getValue(), property.getOrigin());
			}
		}
		return null;
	}

	/**
	 * Return {@code key=value}, followed by the origin when it is known.
	 * @return a description for messages
	 */
	public String describe() {
		return this.key + "=" + this.value + ((this.origin != null) ? " (from " + this.origin + ")" : "");
	}

}
