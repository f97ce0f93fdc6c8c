package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import io.github.bootconcurrency.autoconfigure.validation.OptionalLibraryMissingFailureAnalyzer;

import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link ProxyBalancerUnavailableException}: where the proxy balancer was
 * chosen, what is missing, and the dependency to add or the balancer to choose instead.
 */
class ProxyBalancerUnavailableFailureAnalyzer
		extends OptionalLibraryMissingFailureAnalyzer<ProxyBalancerUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ProxyBalancerUnavailableException cause) {
		String description = "The multi-jvm master cannot proxy requests: its proxy is built on Undertow, which is "
				+ "not on the class path, so no worker was started.\n\n" + settingAndMissingClasses("Balancer", cause);
		StringBuilder action = new StringBuilder(addDependency(cause, " (Spring Boot does not manage its version)"));
		if (cause.getSharedSocketUnavailableReason() == null) {
			action.append("Or let the workers accept on the master's socket, which needs no dependency: set "
					+ "concurrency.multi-jvm.balancer=shared-socket.");
		}
		else {
			action.append("(The other balancer, shared-socket, needs no dependency but cannot be used here: "
					+ cause.getSharedSocketUnavailableReason() + ".)");
		}
		return new FailureAnalysis(description, action.toString(), cause);
	}

}
