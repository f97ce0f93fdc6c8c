package io.github.bootconcurrency.autoconfigure.multijvm.master;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link PidfileInUseException}: which file, why the master will not use it,
 * and what to do, naming the running master's pid when there is one.
 */
class PidfileInUseFailureAnalyzer extends AbstractFailureAnalyzer<PidfileInUseException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PidfileInUseException cause) {
		String description = cause.getMessage() + ".\n\nThe master started nothing and left the file as it was.";
		String action = (cause.getPid() > 0)
				? "Stop the master that runs (kill -TERM " + cause.getPid() + ") before starting another with the "
						+ "same pidfile, or give this one another concurrency.multi-jvm.pidfile. If process "
						+ cause.getPid() + " is not a master, remove " + cause.getPath() + "."
				: "Set concurrency.multi-jvm.pidfile to a path of its own, or remove " + cause.getPath()
						+ " if it is a pidfile that nothing uses.";
		return new FailureAnalysis(description, action, cause);
	}

}
