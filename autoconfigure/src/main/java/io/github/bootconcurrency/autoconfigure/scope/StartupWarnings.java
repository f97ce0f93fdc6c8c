package io.github.bootconcurrency.autoconfigure.scope;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;

import org.springframework.core.env.Environment;

/**
 * The warnings of the starter's environment post-processors, logged and also kept with
 * the environment they were given for.
 *
 * <p>
 * Spring Boot logs what post-processors write to their deferred logs once the
 * application's logging is set up. A multi-jvm master never sets it up (it runs no
 * application, and its output is its own lines and its workers'), so those lines would be
 * lost: it takes them from here and prints them itself. Kept per environment, weakly, so
 * an environment nobody asks about takes its warnings with it.
 */
public final class StartupWarnings {

	private static final Map<Environment, List<String>> warnings = new WeakHashMap<>();

	private StartupWarnings() {
	}

	/**
	 * Return where the warnings about an environment go: to a log and to the list that
	 * {@link #take} returns.
	 * @param log the post-processor's (deferred) log
	 * @param environment the environment the warnings are about
	 * @return the consumer of warnings
	 */
	public static Consumer<String> to(Log log, Environment environment) {
		return (warning) -> {
			log.warn(warning);
			synchronized (warnings) {
				warnings.computeIfAbsent(environment, (key) -> new ArrayList<>()).add(warning);
			}
		};
	}

	/**
	 * Take the warnings given about an environment so far, in their order; a second call
	 * returns only the warnings given since.
	 * @param environment the environment
	 * @return the warnings
	 */
	public static List<String> take(Environment environment) {
		synchronized (warnings) {
			List<String> taken = warnings.remove(environment);
			return (taken != null) ? List.copyOf(taken) : List.of();
		}
	}

}
