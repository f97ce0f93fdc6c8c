package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.util.List;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

/**
 * Describes a failure for the master's log the way Spring Boot would at startup: with the
 * failure analysis of whichever analyzer on the class path knows the exception (a binding
 * error, an invalid setting, a port in use), and otherwise with the chain of causes.
 */
public final class FailureDescription {

	private FailureDescription() {
	}

	/**
	 * Describe a failure.
	 * @param failure the failure
	 * @return the description, over several lines
	 */
	public static String of(Throwable failure) {
		for (FailureAnalyzer analyzer : analyzers()) {
			FailureAnalysis analysis;
			try {
				analysis = analyzer.analyze(failure);
			}
			catch (RuntimeException ex) {
				continue;
			}
			if (analysis != null) {
				StringBuilder text = new StringBuilder("Description:\n\n").append(analysis.getDescription().strip());
				if (analysis.getAction() != null) {
					text.append("\n\nAction:\n\n").append(analysis.getAction().strip());
				}
				return text.toString();
			}
		}
		return causes(failure);
	}

	/**
	 * Describe a failure without failing: on the way to stopping every worker, a
	 * description that cannot be made must not stop the master from stopping them.
	 * @param failure the failure
	 * @return the description, or at least the failure's class
	 */
	static String safely(Throwable failure) {
		try {
			return of(failure);
		}
		catch (Throwable ex) {
			try {
				return causes(failure);
			}
			catch (Throwable again) {
				return failure.getClass().getName();
			}
		}
	}

	/**
	 * Return each cause on a line of its own, outermost first.
	 * @param failure the failure
	 * @return the causes
	 */
	static String causes(Throwable failure) {
		StringBuilder text = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			// The class's name, always: some exceptions' toString() is their message
			// alone.
			text.append((text.length() > 0) ? "\nCaused by: " : "")
				.append(cause.getClass().getName())
				.append(": ")
				.append(cause.getMessage());
		}
		return text.toString();
	}

	private static List<FailureAnalyzer> analyzers() {
		// Analyzers that need a bean factory or an environment cannot be made here; the
		// ones that describe configuration and startup failures need neither.
		return SpringFactoriesLoader.forDefaultResourceLocation(FailureDescription.class.getClassLoader())
			.load(FailureAnalyzer.class, null, FailureHandler.handleMessage((message, failure) -> {
			}));
	}

}
