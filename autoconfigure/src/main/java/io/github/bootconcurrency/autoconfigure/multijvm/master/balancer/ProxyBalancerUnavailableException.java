package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import java.util.List;

import io.github.bootconcurrency.autoconfigure.validation.OptionalLibraryMissingException;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at startup when the multi-jvm master is to proxy requests
 * ({@code concurrency.multi-jvm.balancer=proxy}, the default) and Undertow, which the
 * proxy is built on and which the starter leaves optional, is not on the class path.
 * Nothing was started then.
 */
public class ProxyBalancerUnavailableException extends OptionalLibraryMissingException {

	private final @Nullable String sharedSocketUnavailableReason;

	/**
	 * Create the exception.
	 * @param balancerSetting where the proxy balancer was chosen, in the user's words
	 * @param activeProfiles the active profiles
	 * @param missingClasses the classes the proxy needs that the class path does not have
	 * @param dependency the coordinates of the dependency that brings them
	 * ({@code group:artifact:version})
	 * @param sharedSocketUnavailableReason why the {@code shared-socket} balancer cannot
	 * be used here either, or {@code null} if it can
	 */
	public ProxyBalancerUnavailableException(String balancerSetting, List<String> activeProfiles,
			List<String> missingClasses, String dependency, @Nullable String sharedSocketUnavailableReason) {
		super("The multi-jvm master's proxy balancer", balancerSetting, activeProfiles, missingClasses, dependency);
		this.sharedSocketUnavailableReason = sharedSocketUnavailableReason;
	}

	/**
	 * Return where the proxy balancer was chosen: the key, its value and origin, or that
	 * it is the default.
	 * @return the setting, described
	 */
	public String getBalancerSetting() {
		return getSetting();
	}

	/**
	 * Return why the {@code shared-socket} balancer cannot be used here either.
	 * @return the reason, or {@code null} if it can be used
	 */
	public @Nullable String getSharedSocketUnavailableReason() {
		return this.sharedSocketUnavailableReason;
	}

}
