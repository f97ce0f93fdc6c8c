package io.github.bootconcurrency.autoconfigure.multijvm.master;

import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.model.ModelDecision;
import io.github.bootconcurrency.autoconfigure.scope.StarterScope;
import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;
import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import io.github.bootconcurrency.autoconfigure.validation.SettingsChecks;
import io.github.bootconcurrency.autoconfigure.validation.Violation;

import org.springframework.boot.WebApplicationType;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The settings that decide whether this JVM is a multi-jvm master at all: the model, the
 * starter's switch and the kind of application. A running master was started with them;
 * its workers read the configuration files again, and one that finds the starter off, or
 * is no servlet application, never registers. So a reload that changes them is refused,
 * as a change of model is, rather than applied.
 */
final class RestartOnlyScope {

	private static final String RESTART = " while the master runs: changing it takes a restart of the master";

	private RestartOnlyScope() {
	}

	static void check(ConfigurableEnvironment environment, SettingsChecks checks) {
		String model = environment.getProperty(ModelDecision.MODEL_KEY, "");
		if (!model.isEmpty() && ConcurrencyModel.fromValue(model) != ConcurrencyModel.MULTI_JVM) {
			checks.add(Violation.notAllowed(ConfiguredValue.find(environment, ModelDecision.MODEL_KEY),
					ModelDecision.MODEL_KEY, model, "multi-jvm while the master runs: changing the model of a "
							+ "running master takes a restart of the master"));
		}
		try {
			String off = StarterScope.offBecause(environment);
			if (off != null && off.startsWith(StarterScope.ENABLED_KEY)) {
				checks.add(Violation.notAllowed(ConfiguredValue.find(environment, StarterScope.ENABLED_KEY),
						StarterScope.ENABLED_KEY, false, "true" + RESTART));
			}
		}
		catch (InvalidSettingsException ex) {
			ex.getViolations().forEach(checks::add);
		}
		ConfiguredValue type = ConfiguredValue.find(environment, StarterScope.WEB_APPLICATION_TYPE_KEY);
		if (type != null && StarterScope.webApplicationType(environment, null) != WebApplicationType.SERVLET) {
			checks.add(Violation.notAllowed(type, StarterScope.WEB_APPLICATION_TYPE_KEY,
					environment.resolvePlaceholders(String.valueOf(type.value())), "servlet" + RESTART));
		}
	}

}
