package io.github.bootconcurrency.autoconfigure.environment;

/**
 * Thrown at startup when the application is processed ahead of time (Spring AOT, as
 * {@code spring-boot:process-aot} and native image builds do) or runs with what such
 * processing generated: the starter works on the JVM only.
 */
public class AheadOfTimeUnsupportedException extends RuntimeException {

	private final String detected;

	/**
	 * Create the exception.
	 * @param detected what shows that AOT is in use, such as
	 * {@code spring.aot.processing=true}
	 */
	public AheadOfTimeUnsupportedException(String detected) {
		super("The concurrency starter runs on the JVM only, without ahead-of-time processing, and this is " + detected
				+ ": it chooses the concurrency model, and under multi-jvm starts a master of worker "
				+ "JVMs, from the active profiles when the application starts, which ahead-of-time processing "
				+ "would freeze at build time");
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
