package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.util.stream.Collectors;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link UnshareableJvmOptionsException}: which options, where they come
 * from, and why every worker cannot have them.
 */
class UnshareableJvmOptionsFailureAnalyzer extends AbstractFailureAnalyzer<UnshareableJvmOptionsException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnshareableJvmOptionsException cause) {
		String description = "The multi-jvm master would give its JVM options to every worker, and these cannot be "
				+ "shared by several JVMs, so no worker was started:\n\n"
				+ cause.getReasons().stream().map((reason) -> "    - " + reason).collect(Collectors.joining("\n"))
				+ "\n";
		String action = "Remove these options from the master's command line or environment, or change them as "
				+ "said above. To give options to the workers only, use concurrency.multi-jvm.jvm-args.";
		return new FailureAnalysis(description, action, cause);
	}

}
