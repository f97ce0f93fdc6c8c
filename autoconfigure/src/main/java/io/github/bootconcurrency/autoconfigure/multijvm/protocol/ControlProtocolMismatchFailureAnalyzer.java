package io.github.bootconcurrency.autoconfigure.multijvm.protocol;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link ControlProtocolMismatchException}: both versions, and that only a
 * restart of the master helps.
 */
class ControlProtocolMismatchFailureAnalyzer extends AbstractFailureAnalyzer<ControlProtocolMismatchException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ControlProtocolMismatchException cause) {
		String description = "This multi-jvm worker speaks control protocol " + cause.getWorkerVersion()
				+ ", its master " + cause.getMasterVersion() + ": the master runs another version of the starter, "
				+ "most likely because it was reloaded (SIGHUP) with a new jar.";
		String action = "Restart the master (stop it, then start it with the new jar): a reload cannot change the "
				+ "control protocol.";
		return new FailureAnalysis(description, action, cause);
	}

}
