package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.util.List;
import java.util.Objects;

import io.github.bootconcurrency.autoconfigure.multijvm.ForwardedAllowIps;
import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmProperties;
import io.github.bootconcurrency.autoconfigure.multijvm.UpstreamHeaders;
import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;
import io.github.bootconcurrency.autoconfigure.validation.SettingsChecks;
import io.github.bootconcurrency.autoconfigure.validation.Violation;

import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The master's settings of forwarding headers: whom it trusts to set them
 * ({@code forwarded-allow-ips}) and which of them those set ({@code forwarded-headers}).
 */
final class ForwardingSettings {

	static final String ALLOW_IPS = "concurrency.multi-jvm.forwarded-allow-ips";

	static final String HEADERS = "concurrency.multi-jvm.forwarded-headers";

	private ForwardingSettings() {
	}

	/**
	 * Report a value of either setting that is not allowed.
	 * @param settings the settings
	 * @param environment where they were set
	 * @param checks where violations go
	 */
	static void check(MultiJvmProperties settings, ConfigurableEnvironment environment, SettingsChecks checks) {
		try {
			ForwardedAllowIps.of(settings.getForwardedAllowIps());
		}
		catch (IllegalArgumentException ex) {
			checks.add(Violation.notAllowed(ConfiguredValue.find(environment, ALLOW_IPS), ALLOW_IPS, ex.getMessage(),
					ForwardedAllowIps.ALLOWED));
		}
		try {
			UpstreamHeaders.of(settings.getForwardedHeaders());
		}
		catch (IllegalArgumentException ex) {
			checks.add(Violation.notAllowed(ConfiguredValue.find(environment, HEADERS), HEADERS, ex.getMessage(),
					UpstreamHeaders.ALLOWED));
		}
	}

	/**
	 * Return the arguments that give a shared-socket worker the master's settings: its
	 * server reads the headers itself.
	 * @param settings the settings
	 * @return the arguments
	 */
	static List<String> workerArguments(MultiJvmProperties settings) {
		return List.of("--" + ALLOW_IPS + "=" + String.join(",", settings.getForwardedAllowIps()),
				"--" + HEADERS + "=" + UpstreamHeaders.of(settings.getForwardedHeaders()));
	}

	/**
	 * Return the keys whose values differ, each after a space, or an empty string.
	 * @param running the settings the master runs
	 * @param next the settings read on reload
	 * @return the keys
	 */
	static String changes(MultiJvmProperties running, MultiJvmProperties next) {
		StringBuilder changes = new StringBuilder();
		if (!Objects.equals(running.getForwardedAllowIps(), next.getForwardedAllowIps())) {
			changes.append(" ").append(ALLOW_IPS);
		}
		if (!UpstreamHeaders.of(running.getForwardedHeaders())
			.toString()
			.equals(UpstreamHeaders.of(next.getForwardedHeaders()).toString())) {
			changes.append(" ").append(HEADERS);
		}
		return changes.toString();
	}

	/**
	 * Keep the running values of both settings in settings read on reload.
	 * @param running the settings the master runs
	 * @param next the settings read on reload
	 */
	static void keep(MultiJvmProperties running, MultiJvmProperties next) {
		next.setForwardedAllowIps(running.getForwardedAllowIps());
		next.setForwardedHeaders(running.getForwardedHeaders());
	}

}
