package io.github.bootconcurrency.autoconfigure.multijvm.master.config;

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
 *
 * @param allowIps the values of {@code forwarded-allow-ips}, as set
 * @param headers the values of {@code forwarded-headers}, as set
 */
record ForwardingSettings(List<String> allowIps, List<String> headers) {

	static final String ALLOW_IPS = "concurrency.multi-jvm.forwarded-allow-ips";

	static final String HEADERS = "concurrency.multi-jvm.forwarded-headers";

	ForwardingSettings {
		allowIps = List.copyOf(allowIps);
		headers = List.copyOf(headers);
	}

	/**
	 * Return the settings of bound properties, copied.
	 * @param settings the properties
	 * @return the settings
	 */
	static ForwardingSettings of(MultiJvmProperties settings) {
		return new ForwardingSettings(settings.getForwardedAllowIps(), settings.getForwardedHeaders());
	}

	/**
	 * Return the addresses trusted to set forwarding headers.
	 * @return the addresses
	 */
	ForwardedAllowIps forwardedAllowIps() {
		return ForwardedAllowIps.of(this.allowIps);
	}

	/**
	 * Return the forwarding headers that the trusted addresses set.
	 * @return the headers
	 */
	UpstreamHeaders upstreamHeaders() {
		return UpstreamHeaders.of(this.headers);
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
	 * @return the arguments
	 */
	List<String> workerArguments() {
		return List.of("--" + ALLOW_IPS + "=" + String.join(",", this.allowIps),
				"--" + HEADERS + "=" + UpstreamHeaders.of(this.headers));
	}

	/**
	 * Return the keys whose values differ from those read on reload, each after a space,
	 * or an empty string.
	 * @param next the settings read on reload
	 * @return the keys
	 */
	String changes(ForwardingSettings next) {
		StringBuilder changes = new StringBuilder();
		if (!Objects.equals(this.allowIps, next.allowIps)) {
			changes.append(" ").append(ALLOW_IPS);
		}
		if (!UpstreamHeaders.of(this.headers).toString().equals(UpstreamHeaders.of(next.headers).toString())) {
			changes.append(" ").append(HEADERS);
		}
		return changes.toString();
	}

}
