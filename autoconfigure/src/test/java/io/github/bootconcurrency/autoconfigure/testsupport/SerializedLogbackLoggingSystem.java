package io.github.bootconcurrency.autoconfigure.testsupport;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.logging.LogFile;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.logback.LogbackLoggingSystem;

/**
 * Spring Boot's Logback logging system, one application at a time. The test JVMs start
 * Spring applications on several threads at once (classes marked {@link RunsInParallel}
 * beside the others), and Logback's one logger context is not made for two of them
 * setting it up together: a copy of its property map made while another thread puts a
 * property in it failed a start with a {@code ConcurrentModificationException}. The build
 * names this class in the {@code org.springframework.boot.logging.LoggingSystem} system
 * property of the test JVMs; each setup step then waits for the other's to end.
 */
public class SerializedLogbackLoggingSystem extends LogbackLoggingSystem {

	private static final Object LOCK = new Object();

	public SerializedLogbackLoggingSystem(ClassLoader classLoader) {
		super(classLoader);
	}

	@Override
	public void beforeInitialize() {
		synchronized (LOCK) {
			super.beforeInitialize();
		}
	}

	@Override
	public void initialize(LoggingInitializationContext initializationContext, @Nullable String configLocation,
			@Nullable LogFile logFile) {
		synchronized (LOCK) {
			super.initialize(initializationContext, configLocation, logFile);
		}
	}

	@Override
	public void cleanUp() {
		synchronized (LOCK) {
			super.cleanUp();
		}
	}

	@Override
	public void setLogLevel(@Nullable String loggerName, @Nullable LogLevel level) {
		synchronized (LOCK) {
			super.setLogLevel(loggerName, level);
		}
	}

}
