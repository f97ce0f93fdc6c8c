package io.github.bootconcurrency.autoconfigure.multijvm.master.config;

import java.util.Optional;

import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmProperties.Balancer;

import org.springframework.mock.env.MockEnvironment;

/**
 * What the master fills in when a {@code concurrency.multi-jvm.*} key is left unset (the
 * balancer), for tests outside this package.
 */
public final class MasterDefaults {

	private MasterDefaults() {
	}

	/**
	 * Return the balancer the master runs with when no key is set.
	 * @return the balancer
	 */
	public static Balancer balancer() {
		return MasterConfigLoader.load(new MockEnvironment(), Optional.empty()).balancer();
	}

}
