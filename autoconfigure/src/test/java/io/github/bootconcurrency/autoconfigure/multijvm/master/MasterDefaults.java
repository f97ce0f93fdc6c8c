package io.github.bootconcurrency.autoconfigure.multijvm.master;

import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmProperties;

import org.springframework.mock.env.MockEnvironment;

/**
 * The {@code concurrency.multi-jvm.*} settings as the master holds them with no key set:
 * what it fills in when a key is left unset (the balancer), for tests outside this
 * package.
 */
public final class MasterDefaults {

	private MasterDefaults() {
	}

	/**
	 * Return the settings the master runs with when no key is set.
	 * @return the settings, with what the master fills in
	 */
	public static MultiJvmProperties settings() {
		return MasterConfig.load(new MockEnvironment()).settings();
	}

}
