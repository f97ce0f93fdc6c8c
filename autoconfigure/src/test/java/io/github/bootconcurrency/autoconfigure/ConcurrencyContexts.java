package io.github.bootconcurrency.autoconfigure;

import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import io.github.bootconcurrency.autoconfigure.validation.Violation;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests of {@link ConcurrencyAutoConfiguration} share: a runner of the
 * auto-configuration in a servlet web application, and the settings violations that a
 * context which failed to start reports.
 */
final class ConcurrencyContexts {

	private ConcurrencyContexts() {
	}

	/**
	 * Return a runner of the auto-configuration alone, in a servlet web application.
	 */
	static WebApplicationContextRunner runner() {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ConcurrencyAutoConfiguration.class));
	}

	/**
	 * Return the one violation that stopped a context from starting.
	 */
	static Violation violation(AssertableWebApplicationContext context) {
		InvalidSettingsException exception = exception(context);
		assertThat(exception.getViolations()).hasSize(1);
		return exception.getViolations().get(0);
	}

	/**
	 * Return the settings failure that stopped a context from starting.
	 */
	static InvalidSettingsException exception(AssertableWebApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		while (failure != null && !(failure instanceof InvalidSettingsException)) {
			failure = failure.getCause();
		}
		assertThat(failure).as("startup failure caused by InvalidSettingsException").isNotNull();
		return (InvalidSettingsException) failure;
	}

}
