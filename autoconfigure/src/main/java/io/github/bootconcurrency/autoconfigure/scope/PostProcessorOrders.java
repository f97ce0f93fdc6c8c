package io.github.bootconcurrency.autoconfigure.scope;

import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;

/**
 * The orders of the starter's six environment post-processors, in the one place that says
 * in which sequence they run and why. Each one's {@code getOrder()} returns its constant
 * here.
 *
 * <ol>
 * <li>{@link #STARTER_SCOPE}: says that the starter is off, and refuses a
 * {@code concurrency.enabled} that is neither true nor false, as soon as the
 * configuration files are loaded, before any other part of the starter asks.</li>
 * <li>{@link #UNKNOWN_PROFILE}: checks the active profiles as soon as they are known,
 * before any decision is taken on them (the model, the master), so that a misspelt
 * profile is reported by the JVM that would become a master too. It shares its order with
 * {@link #STARTER_SCOPE}; {@code spring.factories} lists the starter scope first, and
 * Spring Boot's sort keeps the listed order of equal orders.</li>
 * <li>{@link #CONCURRENCY_MODEL}: adds {@code spring.threads.virtual.enabled=true} at the
 * lowest precedence for the virtual model, after the configuration files and before any
 * check that resolves the model, so that they see the model's defaults.</li>
 * <li>{@link #AHEAD_OF_TIME}: refuses {@code multi-jvm} under ahead-of-time processing,
 * once the model's defaults are in, before the master could take over.</li>
 * <li>{@link #UNKNOWN_SETTINGS}: refuses an unknown {@code concurrency.*} or
 * {@code fail-fast.*} key after the others have added their property sources and just
 * before the master takes over, so that a master is checked as an application is.</li>
 * <li>{@link #MULTI_JVM}: last, because the master takes over the JVM there and never
 * returns, and a worker starts watching its master.</li>
 * </ol>
 */
public final class PostProcessorOrders {

	/**
	 * The order of {@code StarterScopeEnvironmentPostProcessor}.
	 */
	public static final int STARTER_SCOPE = ConfigDataEnvironmentPostProcessor.ORDER + 1;

	/**
	 * The order of {@code UnknownProfileEnvironmentPostProcessor}.
	 */
	public static final int UNKNOWN_PROFILE = ConfigDataEnvironmentPostProcessor.ORDER + 1;

	/**
	 * The order of {@code ConcurrencyModelEnvironmentPostProcessor}.
	 */
	public static final int CONCURRENCY_MODEL = Ordered.LOWEST_PRECEDENCE - 10;

	/**
	 * The order of {@code AheadOfTimeEnvironmentPostProcessor}.
	 */
	public static final int AHEAD_OF_TIME = Ordered.LOWEST_PRECEDENCE - 2;

	/**
	 * The order of {@code UnknownSettingsEnvironmentPostProcessor}.
	 */
	public static final int UNKNOWN_SETTINGS = Ordered.LOWEST_PRECEDENCE - 1;

	/**
	 * The order of {@code MultiJvmEnvironmentPostProcessor}.
	 */
	public static final int MULTI_JVM = Ordered.LOWEST_PRECEDENCE;

	private PostProcessorOrders() {
	}

}
