package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import java.util.List;

import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmProperties.Balancer;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;
import io.github.bootconcurrency.autoconfigure.validation.OptionalLibraryMissingException;

import org.springframework.core.env.Environment;

/**
 * Checks, before the master starts anything, that the {@code proxy} balancer can run: it
 * is built on Undertow, which the starter declares optional so that applications that
 * never proxy do not carry it.
 *
 * <p>
 * Only {@link ProxyBalancer} and its {@link WaitingRoom} refer to Undertow, and the
 * master loads them once this check has passed, under the proxy balancer alone: without
 * it, the master would fail later with a {@link NoClassDefFoundError}, workers started
 * and the port half bound.
 */
public final class ProxyBalancerRequirement {

	/**
	 * The dependency that brings the proxy's classes, XNIO's with it. Spring Boot 4 does
	 * not manage its version: this is the one the starter is built and tested with.
	 */
	static final String DEPENDENCY = "io.undertow:undertow-core:2.4.4.Final";

	/**
	 * Classes the proxy cannot run without: Undertow, XNIO's API and its NIO provider,
	 * which Undertow finds at runtime only.
	 */
	static final List<String> REQUIRED_CLASSES = List.of("io.undertow.Undertow", "org.xnio.Xnio",
			"org.xnio.nio.NioXnioProvider");

	private ProxyBalancerRequirement() {
	}

	/**
	 * Check that the balancer of a configuration can run with a class loader's classes.
	 * @param config the master's configuration
	 * @param environment the environment it was read from, to say where the balancer was
	 * chosen
	 * @param classLoader the application's class loader
	 * @throws ProxyBalancerUnavailableException if the proxy balancer is chosen and a
	 * class it needs is missing
	 */
	public static void check(MasterConfig config, Environment environment, ClassLoader classLoader) {
		if (config.balancer() != Balancer.PROXY) {
			return;
		}
		List<String> missing = OptionalLibraryMissingException.missing(REQUIRED_CLASSES, classLoader);
		if (missing.isEmpty()) {
			return;
		}
		ConfiguredValue configured = ConfiguredValue.find(environment, "concurrency.multi-jvm.balancer");
		String setting = (configured != null) ? configured.describe()
				: "proxy, " + config.balancerReason() + " (concurrency.multi-jvm.balancer is not set)";
		throw new ProxyBalancerUnavailableException(setting, List.of(environment.getActiveProfiles()), missing,
				DEPENDENCY, SharedSocket.unsupportedReason().orElse(null));
	}

}
