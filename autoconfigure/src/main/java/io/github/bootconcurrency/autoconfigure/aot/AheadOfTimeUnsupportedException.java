package io.github.bootconcurrency.autoconfigure.aot;

/**
 * Thrown at startup when a {@code multi-jvm} application is processed ahead of time
 * (Spring AOT, as {@code spring-boot:process-aot} and native image builds do) or runs
 * with what such processing generated: a master relaunches the application's JVM for each
 * worker, so {@code multi-jvm} runs on the JVM only.
 */
public class AheadOfTimeUnsupportedException extends RuntimeException {

	private final String detected;

	/**
	 * Create the exception.
	 * @param detected what shows that AOT is in use, such as
	 * {@code spring.aot.processing=true}
	 * @param reason which settings chose {@code multi-jvm}, and where they were set
	 */
	public AheadOfTimeUnsupportedException(String detected, String reason) {
		super("The concurrency model 'multi-jvm' (chosen by " + reason
				+ ") runs on the JVM only, without ahead-of-time processing, and this is " + detected
				+ ": its master starts and relaunches worker JVMs of the application, which neither code generated "
				+ "at build time nor a native image can do");
		this.detected = detected;
	}

	/**
	 * Return what shows that AOT is in use.
	 * @return the evidence, in the user's words
	 */
	public String getDetected() {
		return this.detected;
	}

}
