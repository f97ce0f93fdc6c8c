package io.github.bootconcurrency.autoconfigure.actuate;

import io.github.bootconcurrency.autoconfigure.scope.ConditionalOnStarterEnabled;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of a {@link SanitizingFunction} that keeps passwords, tokens, keys
 * and URIs with credentials out of {@code /actuator/env} and
 * {@code /actuator/configprops} even when {@code show-values} is {@code always}, so that
 * opening those endpoints to debug an environment cannot leak the Redis password. Every
 * other value stays visible. Switched off with
 * {@code concurrency.actuator.sanitize-secrets.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
@ConditionalOnBooleanProperty(name = "concurrency.actuator.sanitize-secrets.enabled", matchIfMissing = true)
@ConditionalOnStarterEnabled
public final class SecretsSanitizingAutoConfiguration {

	/**
	 * A URI whose authority has user information, such as
	 * {@code redis://:password@host:6379}.
	 */
	static final String URI_WITH_CREDENTIALS = "^[A-Za-z][A-Za-z0-9+.-]*://[^/?#\\s]*@.*";

	// Not SanitizingFunction.ifLikelySensitive(): it also hides every key ending in url,
	// uri or address, such as server.address, whether or not it carries a credential.
	@Bean
	@ConditionalOnMissingBean(name = "concurrencySecretsSanitizingFunction")
	SanitizingFunction concurrencySecretsSanitizingFunction() {
		return SanitizingFunction.sanitizeValue()
			.ifLikelyCredential()
			.ifLikelySensitiveProperty()
			.ifVcapServices()
			.ifValueStringMatches(URI_WITH_CREDENTIALS);
	}

}
