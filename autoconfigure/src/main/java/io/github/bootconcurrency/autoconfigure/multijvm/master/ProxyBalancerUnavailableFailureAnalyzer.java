package io.github.bootconcurrency.autoconfigure.multijvm.master;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link ProxyBalancerUnavailableException}: where the proxy balancer was
 * chosen, what is missing, and the dependency to add or the balancer to choose instead.
 */
class ProxyBalancerUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<ProxyBalancerUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ProxyBalancerUnavailableException cause) {
		String[] coordinates = cause.getDependency().split(":");
		String description = "The multi-jvm master cannot proxy requests: its proxy is built on Undertow, which is "
				+ "not on the class path, so no worker was started.\n\n" + "    Balancer:         "
				+ cause.getBalancerSetting() + "\n" + "    Active profiles:  "
				+ (cause.getActiveProfiles().isEmpty() ? "(none)" : String.join(", ", cause.getActiveProfiles())) + "\n"
				+ "    Missing classes:  " + String.join(", ", cause.getMissingClasses()) + "\n";
		StringBuilder action = new StringBuilder("Add " + cause.getDependency()
				+ " to the application's dependencies (Spring Boot does not manage its version), with Maven:\n\n"
				+ "    <dependency>\n" + "      <groupId>" + coordinates[0] + "</groupId>\n" + "      <artifactId>"
				+ coordinates[1] + "</artifactId>\n" + "      <version>" + coordinates[2] + "</version>\n"
				+ "    </dependency>\n\n" + "or with Gradle: implementation '" + cause.getDependency() + "'.\n\n");
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
