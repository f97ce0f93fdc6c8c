package io.github.bootconcurrency.autoconfigure.actuate;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Keeps passwords, tokens and URIs with credentials out of {@code /actuator/env} and
 * {@code /actuator/configprops} even when {@code show-values} is {@code always}, so that
 * opening those endpoints to debug an environment cannot leak the Redis password.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class SecretsSanitizingAutoConfiguration {

	@Bean
	SanitizingFunction concurrencySecretsSanitizingFunction() {
		return SanitizingFunction.sanitizeValue().ifLikelySensitive();
	}

}
