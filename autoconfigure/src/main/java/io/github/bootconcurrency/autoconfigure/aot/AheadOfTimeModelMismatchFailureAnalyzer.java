package io.github.bootconcurrency.autoconfigure.aot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link AheadOfTimeModelMismatchException}: the model built in, the model
 * asked for, where each was set, and the two ways to make them agree.
 */
class AheadOfTimeModelMismatchFailureAnalyzer extends AbstractFailureAnalyzer<AheadOfTimeModelMismatchException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, AheadOfTimeModelMismatchException cause) {
		String action = "Start the application with the profiles and keys it was built with (those that choose '"
				+ cause.getBuiltModel() + "'), or process it ahead of time again (spring-boot:process-aot, or the "
				+ "native image build) with the profiles and keys that choose '" + cause.getStartedModel()
				+ "'. Like Spring Boot's spring.threads.virtual.enabled, the model is fixed when the application is "
				+ "processed ahead of time; the numbers of a model (threads, the cap, timeouts) are still read at "
				+ "startup.";
		return new FailureAnalysis(cause.getMessage() + ".", action, cause);
	}

}
