package io.github.bootconcurrency.autoconfigure.redis;

import java.time.Duration;
import java.util.Locale;

import io.github.bootconcurrency.autoconfigure.validation.SettingsChecks;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link RedisUnreachableException}: which profiles and keys set the
 * connection, where it tried, why it failed, how hard it tried, and what to change.
 */
class RedisUnreachableFailureAnalyzer extends AbstractFailureAnalyzer<RedisUnreachableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RedisUnreachableException cause) {
		FailFastRedisProperties properties = cause.getProperties();
		StringBuilder description = new StringBuilder();
		description.append("Redis could not be reached at startup, so the application did not start.\n\n");
		line(description, "Active profiles",
				cause.getActiveProfiles().isEmpty() ? "(none)" : String.join(", ", cause.getActiveProfiles()));
		line(description, "Connection", cause.getTarget().describe());
		line(description, "Set by",
				cause.getSettingOrigins().isEmpty()
						? "Spring Boot's defaults (no spring.data.redis.* connection key is set)"
						: String.join("\n" + " ".repeat(LABEL_WIDTH + 4), cause.getSettingOrigins()));
		String hint = (cause.getFailureCause() == RedisFailureCause.TIMEOUT && cause.getTarget().tls())
				? " (TLS is on: a server that does not speak TLS leaves the handshake hanging like this)" : "";
		line(description, "Cause", cause.getFailureCause().description() + hint);
		line(description, "Attempts",
				cause.getAttempts() + " of " + properties.getAttempts() + " over " + seconds(cause.getElapsed())
						+ " (timeout " + SettingsChecks.format(properties.getTimeout()) + " each, backoff "
						+ SettingsChecks.format(properties.getBackoff()) + " growing x"
						+ properties.getBackoffMultiplier() + " up to "
						+ SettingsChecks.format(properties.getMaxBackoff()) + ")");
		if (cause.getCause() != null) {
			Throwable root = cause.getCause();
			while (root.getCause() != null) {
				root = root.getCause();
			}
			line(description, "Last error", root.getMessage());
		}
		String action = "Change " + String.join(" or ", cause.getPropertiesToChange())
				+ " for the active profiles so that it points at a running Redis, or start Redis at "
				+ cause.getTarget().describe() + ". To start without this check, set fail-fast.redis.enabled=false.";
		return new FailureAnalysis(description.toString(), action, cause);
	}

	private static final int LABEL_WIDTH = 18;

	private static void line(StringBuilder description, String label, @Nullable String value) {
		description.append("    ")
			.append(String.format("%-" + LABEL_WIDTH + "s", label + ":"))
			.append(value)
			.append('\n');
	}

	private static String seconds(Duration duration) {
		return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
	}

}
