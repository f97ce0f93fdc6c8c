package io.github.bootconcurrency.autoconfigure.settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.bootconcurrency.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.bootconcurrency.autoconfigure.validation.UnknownSettings;
import io.github.bootconcurrency.autoconfigure.validation.UnknownSettingsException;
import org.apache.coyote.http11.Http11NioProtocol;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

import org.springframework.core.Ordered;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The figures of the README's table "What changes when you add the starter" are those of
 * the code: the starter's defaults, and Tomcat's and Jetty's own, read from the servers'
 * classes on the class path, so that an upgrade that changes one fails here.
 */
class WhatChangesTableTests {

	private static final String SECTION = "### What changes when you add the starter";

	@Test
	void theTableStatesTheServersAndTheStartersDefaults() throws Exception {
		String table = section();
		Http11NioProtocol tomcat = new Http11NioProtocol();
		ServerConnector jetty = new ServerConnector(new Server());
		ConcurrencyProperties starter = new ConcurrencyProperties();
		assertThat(table).contains("Tomcat " + figure(tomcat.getAcceptCount()) + " (`acceptCount`)",
				"Tomcat " + figure(tomcat.getMaxConnections()) + "; Jetty no limit",
				"Tomcat " + tomcat.getKeepAliveTimeout() / 1000 + " s (`connectionTimeout`)",
				"Jetty " + jetty.getIdleTimeout() / 1000 + " s", "| " + new QueuedThreadPool().getMinThreads() + " |");
		assertThat(jetty.getAcceptQueueSize()).as("Jetty's accept queue, 0: the JDK's default backlog").isZero();
		assertThat(table).contains(figure(starter.getBacklog()) + ", Gunicorn's default",
				figure(OpenFiles.platformMaxConnections(20_000, starter.getPlatform().getMaxThreads(), 1_000_000))
						+ " under a limit of 20,000",
				"at least " + OpenFiles.MIN_RESERVE + " kept",
				figure(OpenFiles.UNKNOWN_LIMIT_MAX_CONNECTIONS) + " when the limit is unknown",
				"backlog: " + figure(starter.getVirtual().getMaxConcurrentRequests() + starter.getBacklog()),
				starter.getKeepAliveTimeout().toSeconds() + " s |",
				starter.getPlatform().getMinThreads() + ", plus Jetty's acceptor and selector threads",
				"`platform.max-threads` (" + starter.getPlatform().getMaxThreads() + ")",
				"`virtual.max-concurrent-requests` (" + figure(starter.getVirtual().getMaxConcurrentRequests()) + ")",
				"`queue-timeout` (" + starter.getVirtual().getQueueTimeout().toSeconds() + " s)",
				"`Ordered.HIGHEST_PRECEDENCE + "
						+ (ConcurrencyAutoConfiguration.REQUEST_GATE_FILTER_ORDER - Ordered.HIGHEST_PRECEDENCE) + "`");
	}

	/**
	 * The starter owns only its own keys: a key in one of its groups (or a typo of one of
	 * its keys) stops startup, any other under its prefixes is the application's, named
	 * in one warning: {@link UnknownSettings} does so with these examples, and the row
	 * says so. The row names no example: a table cell naming a key that is no property
	 * fails DocumentedPropertiesTests.
	 */
	@Test
	void theUnknownKeyRowSaysOnlyTheStartersOwnKeysStopStartup() throws Exception {
		String starters = "concurrency.virtual.max-concurent-requests";
		String typo = "concurrency.request-timout";
		String applications = "concurrency.pool-size";
		assertThatExceptionOfType(UnknownSettingsException.class).isThrownBy(() -> check(starters))
			.satisfies((ex) -> assertThat(ex.getUnknown()).singleElement()
				.satisfies((unknown) -> assertThat(unknown.key()).isEqualTo(starters)));
		assertThatExceptionOfType(UnknownSettingsException.class).isThrownBy(() -> check(typo));
		assertThat(check(applications)).singleElement().asString().contains(applications);
		String row = section().lines()
			.filter((line) -> line.contains("under `concurrency.*` or `fail-fast.*`"))
			.findFirst()
			.orElseThrow();
		String[] cells = row.split(" \\| ");
		assertThat(cells).as("the row's cells: %s", row).hasSize(4);
		assertThat(cells[2]).as("what the starter does with it")
			.contains("in one of the starter's groups", "`concurrency.virtual.*`", "a typo of one of its keys",
					"stops startup, naming the key, where it was set and the closest known key", "Any other",
					"is the application's, named in one warning", "startup goes on",
					"an environment variable only logs a warning");
	}

	private static List<String> check(String key) {
		StandardEnvironment environment = new StandardEnvironment();
		// This machine's variables and system properties are no part of the example.
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
		environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of(key, "4")));
		List<String> warnings = new ArrayList<>();
		UnknownSettings.check(environment, WhatChangesTableTests.class.getClassLoader(), warnings::add);
		return warnings;
	}

	private static String figure(long value) {
		return String.format(Locale.ROOT, "%,d", value);
	}

	private static String section() throws IOException {
		Path readme = Path.of("").toAbsolutePath().getParent().resolve("README.md");
		String text = Files.readString(readme);
		int start = text.indexOf(SECTION);
		assertThat(start).as("%s in %s", SECTION, readme).isNotNegative();
		int end = text.indexOf("\n### ", start + SECTION.length());
		return text.substring(start, (end < 0) ? text.length() : end);
	}

}
