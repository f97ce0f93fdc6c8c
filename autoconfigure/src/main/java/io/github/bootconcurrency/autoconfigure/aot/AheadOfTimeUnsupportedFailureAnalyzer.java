package io.github.bootconcurrency.autoconfigure.aot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link AheadOfTimeUnsupportedException}: why {@code multi-jvm} refuses
 * ahead-of-time processing, and the two ways out.
 */
class AheadOfTimeUnsupportedFailureAnalyzer extends AbstractFailureAnalyzer<AheadOfTimeUnsupportedException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, AheadOfTimeUnsupportedException cause) {
		String action = "Build and run a multi-jvm application for the JVM: remove the process-aot goal of "
				+ "spring-boot-maven-plugin (or the 'native' profile that adds it, or Gradle's "
				+ "org.graalvm.buildtools.native plugin), and do not set spring.aot.enabled=true; an executable "
				+ "jar or a JVM container image (spring-boot:build-image without native) runs every model. Or "
				+ "choose concurrency.model platform or virtual, which can be processed ahead of time.";
		return new FailureAnalysis(cause.getMessage() + ".", action, cause);
	}

}
