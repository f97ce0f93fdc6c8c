package io.github.bootconcurrency.autoconfigure.validation;

import org.jspecify.annotations.Nullable;

/**
 * A key under the starter's prefixes that no setting has: as it was written, where it was
 * set, and the known key closest to it.
 *
 * @param key the key, as it was written
 * @param origin where it was set: a file and line, an environment variable, a property
 * source
 * @param closest the known key closest to it, or {@code null} if none is known
 */
public record UnknownSetting(String key, @Nullable Object origin, @Nullable String closest) {

	String describe() {
		return this.key + " (from " + this.origin + ")"
				+ ((this.closest != null) ? ": closest known key: " + this.closest : "");
	}

}
