package io.github.bootconcurrency.autoconfigure.multijvm.startup;

import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Writes the log lines of a master's start before the master takes over the JVM.
 *
 * <p>
 * The environment post-processors log through Spring Boot's deferred logs, which Spring
 * Boot replays once the logging system is initialized, after every post-processor has
 * run. The master takes over the JVM inside the last post-processor and ends with
 * {@code System.exit}, so without this the warnings of its start (keys left to the
 * application, unknown environment variables, unknown profiles) would never be written.
 * So the logging system is initialized here, as Spring Boot's own listener would once the
 * environment is prepared, and the deferred lines are replayed.
 */
final class MasterStartupLog {

	private MasterStartupLog() {
	}

	static void replay(ConfigurableEnvironment environment, SpringApplication application,
			DeferredLogFactory logFactory) {
		for (ApplicationListener<?> listener : application.getListeners()) {
			if (listener instanceof LoggingApplicationListener logging) {
				logging.onApplicationEvent(new ApplicationEnvironmentPreparedEvent(new DefaultBootstrapContext(),
						application, new String[0], environment));
			}
		}
		if (logFactory instanceof DeferredLogs deferredLogs) {
			deferredLogs.switchOverAll();
		}
	}

}
