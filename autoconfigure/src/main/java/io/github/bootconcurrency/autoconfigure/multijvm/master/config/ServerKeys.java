package io.github.bootconcurrency.autoconfigure.multijvm.master.config;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;

import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;
import io.github.bootconcurrency.autoconfigure.validation.SettingsChecks;
import io.github.bootconcurrency.autoconfigure.validation.Violation;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.unit.DataSize;

/**
 * The {@code server.*} keys that the master applies itself, as its own listener takes
 * over from the workers' servers: each is read as Spring Boot would read it for a single
 * application, and a value the master could not use is reported with the master's other
 * violations, before any port is bound.
 */
final class ServerKeys {

	/**
	 * Smallest server.max-http-request-header-size: a request line and a Host header.
	 */
	static final DataSize MIN_HEADER_SIZE = DataSize.ofBytes(256);

	/**
	 * Read server.max-http-request-header-size as the master's listener applies it: whole
	 * bytes, at least one line's worth and at most what Undertow counts in an int.
	 */
	static int maxHeaderBytes(ConfigurableEnvironment environment, SettingsChecks checks) {
		String key = "server.max-http-request-header-size";
		String allowed = "a size from " + MIN_HEADER_SIZE.toBytes() + "B to 1GB, such as 8KB or 16KB";
		ConfiguredValue configured = ConfiguredValue.find(environment, key);
		try {
			DataSize size = Binder.get(environment)
				.bind(key, DataSize.class)
				.orElse(ListenerLimits.DEFAULT_MAX_HEADER_SIZE);
			if (size.compareTo(MIN_HEADER_SIZE) >= 0 && size.compareTo(DataSize.ofGigabytes(1)) <= 0) {
				return (int) size.toBytes();
			}
			checks
				.add(Violation.notAllowed(configured, key, (configured != null) ? configured.value() : size, allowed));
		}
		catch (BindException ex) {
			checks.add(Violation.notAllowed(configured, key, (configured != null) ? configured.value() : "", allowed));
		}
		return 0;
	}

	/**
	 * Read server.port as the master binds it, reporting a value that is not a port with
	 * the other violations.
	 */
	static int port(ConfigurableEnvironment environment, SettingsChecks checks) {
		String value = environment.getProperty("server.port", "8080").trim();
		try {
			int port = Integer.parseInt(value);
			if (port >= 0 && port <= 65535) {
				return port;
			}
		}
		catch (NumberFormatException ex) {
			// Reported below.
		}
		checks.add(Violation.notAllowed(ConfiguredValue.find(environment, "server.port"), "server.port", value,
				"a whole number from 0 to 65535"));
		return 0;
	}

	/**
	 * Read server.address as a single application would bind it (Spring Boot converts it
	 * to an InetAddress), and as the master will listen on it: an address of this
	 * machine, or the wildcard. A name that does not resolve, or an address the master
	 * cannot listen on, is reported with the other violations rather than when the port
	 * is bound.
	 */
	static String address(ConfigurableEnvironment environment, SettingsChecks checks) {
		String value = environment.getProperty("server.address", "0.0.0.0").trim();
		String allowed = "an IP address or host name of this machine, such as 0.0.0.0 (every interface), 127.0.0.1"
				+ " or ::";
		InetAddress address;
		try {
			address = Binder.get(environment).bind("server.address", InetAddress.class).orElse(null);
		}
		catch (BindException ex) {
			checks.add(Violation.notAllowed(ConfiguredValue.find(environment, "server.address"), "server.address",
					value, allowed + " (" + value + " does not resolve)"));
			return value;
		}
		if (address != null && !isLocal(address)) {
			checks.add(Violation.notAllowed(ConfiguredValue.find(environment, "server.address"), "server.address",
					value, allowed + " (" + address.getHostAddress() + " is not an address of this machine)"));
		}
		return value;
	}

	private static boolean isLocal(InetAddress address) {
		if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
			return true;
		}
		try {
			return NetworkInterface.getByInetAddress(address) != null;
		}
		catch (SocketException ex) {
			// Cannot tell: the bind will say.
			return true;
		}
	}

	private ServerKeys() {
	}

}
