package io.github.bootconcurrency.autoconfigure.settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import org.apache.coyote.AbstractProtocol;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every default that {@link ConcurrencySettings} derives from other settings, checked
 * with each Spring Boot server key that it adopts, on a real Tomcat and a real Jetty: a
 * derived default must follow the value in force, whichever key it came from, and the
 * server must run with it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AdoptedServerKeysTests {

	/**
	 * What the settings must come to, by model and adopted key, in the documented rules:
	 * {@code min-threads} follows a smaller {@code max-threads}, and under
	 * {@code virtual} {@code max-connections} is
	 * {@code max-concurrent-requests + backlog}, and under {@code platform} the open-file
	 * limit less its reserve ({@code open-files}). The thread keys are not adopted under
	 * {@code virtual}. A dash is a value that the model does not use.
	 */
	private static final String EXPECTATIONS = """
			model    | adopted key                              | limit | min-threads | backlog | max-connections | keep-alive
			platform | (none)                                   | 200   | 10          | 2048    | open-files      | 20s
			platform | server.tomcat.accept-count=300           | 200   | 10          | 300     | open-files      | 20s
			platform | server.tomcat.max-connections=20000      | 200   | 10          | 2048    | 20000           | 20s
			platform | server.jetty.max-connections=20000       | 200   | 10          | 2048    | 20000           | 20s
			platform | server.tomcat.threads.max=8              | 8     | 8           | 2048    | open-files      | 20s
			platform | server.jetty.threads.max=8               | 8     | 8           | 2048    | open-files      | 20s
			platform | server.tomcat.threads.min-spare=5        | 200   | 5           | 2048    | open-files      | 20s
			platform | server.jetty.threads.min=5               | 200   | 5           | 2048    | open-files      | 20s
			platform | server.tomcat.keep-alive-timeout=7s      | 200   | 10          | 2048    | open-files      | 7s
			platform | server.jetty.connection-idle-timeout=7s  | 200   | 10          | 2048    | open-files      | 7s
			virtual  | (none)                                   | 10000 | -           | 2048    | 12048           | 20s
			virtual  | server.tomcat.accept-count=300           | 10000 | -           | 300     | 10300           | 20s
			virtual  | server.tomcat.max-connections=20000      | 10000 | -           | 2048    | 20000           | 20s
			virtual  | server.jetty.max-connections=20000       | 10000 | -           | 2048    | 20000           | 20s
			virtual  | server.tomcat.threads.max=8              | 10000 | -           | 2048    | 12048           | 20s
			virtual  | server.jetty.threads.max=8               | 10000 | -           | 2048    | 12048           | 20s
			virtual  | server.tomcat.threads.min-spare=5        | 10000 | -           | 2048    | 12048           | 20s
			virtual  | server.jetty.threads.min=5               | 10000 | -           | 2048    | 12048           | 20s
			virtual  | server.tomcat.keep-alive-timeout=7s      | 10000 | -           | 2048    | 12048           | 7s
			virtual  | server.jetty.connection-idle-timeout=7s  | 10000 | -           | 2048    | 12048           | 7s
			""";

	private ConfigurableApplicationContext context;

	static Stream<Arguments> modelsServersAndAdoptedKeys() {
		List<Arguments> arguments = new ArrayList<>();
		for (Expected expected : Expected.parse(EXPECTATIONS)) {
			for (ServerKind server : ServerKind.values()) {
				arguments.add(Arguments.of(expected.model(), server, expected.adoptedKey(), expected));
			}
		}
		return arguments.stream();
	}

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@ParameterizedTest(name = "{0} on {1} with {2}")
	@MethodSource("modelsServersAndAdoptedKeys")
	void derivedDefaultsFollowTheAdoptedServerKeyInTheSettingsAndInTheRunningServer(ConcurrencyModel model,
			ServerKind server, String adoptedKey, Expected expected) {
		List<String> properties = new ArrayList<>(
				List.of("server.port=0", "server.address=127.0.0.1", "concurrency.model=" + model.value()));
		if (!adoptedKey.equals("(none)")) {
			properties.add(adoptedKey);
		}
		this.context = new SpringApplicationBuilder(server.application).web(WebApplicationType.SERVLET)
			.properties(properties.toArray(String[]::new))
			.run();
		ConcurrencySettings settings = this.context.getBean(ConcurrencySettings.class);
		assertThat(settings.requestLimit()).as("request limit").isEqualTo(expected.limit());
		if (expected.minThreads() != null) {
			assertThat(settings.minThreads()).as("min-threads").isEqualTo(expected.minThreads());
		}
		assertThat(settings.backlog()).as("backlog").isEqualTo(expected.backlog());
		assertThat(settings.maxConnections()).as("max-connections").isEqualTo(expected.maxConnections());
		assertThat(settings.keepAliveTimeout()).as("keep-alive-timeout").isEqualTo(expected.keepAlive());
		assertThat(this.context.getBean(RequestGate.class).getLimit()).as("the gate's limit")
			.isEqualTo(expected.limit());
		server.assertRunsWith(((ServletWebServerApplicationContext) this.context).getWebServer(), model, expected);
	}

	/**
	 * The settings one row of {@link #EXPECTATIONS} expects.
	 */
	record Expected(ConcurrencyModel model, String adoptedKey, int limit, Integer minThreads, int backlog,
			int maxConnections, Duration keepAlive) {

		static List<Expected> parse(String table) {
			return table.lines().skip(1).map((line) -> line.split("\\|")).map((cells) -> {
				String[] values = new String[cells.length];
				for (int i = 0; i < cells.length; i++) {
					values[i] = cells[i].trim();
				}
				return new Expected(ConcurrencyModel.fromValue(values[0]), values[1], Integer.parseInt(values[2]),
						values[3].equals("-") ? null : Integer.valueOf(values[3]), Integer.parseInt(values[4]),
						values[5].equals("open-files") ? OpenFiles.platformMaxConnections(OpenFiles.limit(),
								Integer.parseInt(values[2]), 1_000_000) : Integer.parseInt(values[5]),
						DurationStyle.detectAndParse(values[6]));
			}).toList();
		}

		@Override
		public String toString() {
			return this.adoptedKey;
		}

	}

	enum ServerKind {

		TOMCAT(TomcatApplication.class) {

			@Override
			void assertRunsWith(Object webServer, ConcurrencyModel model, Expected expected) {
				AbstractProtocol<?> protocol = (AbstractProtocol<?>) ((TomcatWebServer) webServer).getTomcat()
					.getConnector()
					.getProtocolHandler();
				assertThat(protocol.getAcceptCount()).as("Tomcat's acceptCount").isEqualTo(expected.backlog());
				assertThat(protocol.getMaxConnections()).as("Tomcat's maxConnections")
					.isEqualTo(expected.maxConnections());
				assertThat(protocol.getKeepAliveTimeout()).as("Tomcat's keepAliveTimeout")
					.isEqualTo((int) expected.keepAlive().toMillis());
				if (!model.usesVirtualThreads()) {
					assertThat(protocol.getMaxThreads()).as("Tomcat's maxThreads").isEqualTo(expected.limit());
					assertThat(protocol.getMinSpareThreads()).as("Tomcat's minSpareThreads")
						.isEqualTo(expected.minThreads());
				}
			}

		},

		JETTY(JettyApplication.class) {

			@Override
			void assertRunsWith(Object webServer, ConcurrencyModel model, Expected expected) {
				Server server = ((JettyWebServer) webServer).getServer();
				ServerConnector connector = (ServerConnector) server.getConnectors()[0];
				assertThat(connector.getAcceptQueueSize()).as("Jetty's acceptQueueSize").isEqualTo(expected.backlog());
				assertThat(server.getBean(NetworkConnectionLimit.class).getMaxNetworkConnectionCount())
					.as("Jetty's connection limit")
					.isEqualTo(expected.maxConnections());
				assertThat(connector.getIdleTimeout()).as("Jetty's idleTimeout")
					.isEqualTo(expected.keepAlive().toMillis());
				if (model.usesVirtualThreads()) {
					assertThat(((VirtualThreadPool) server.getThreadPool()).getMaxConcurrentTasks())
						.as("Jetty's virtual thread task cap, above the connection limit")
						.isGreaterThan(expected.maxConnections());
				}
				else {
					int ioThreads = connector.getAcceptors() + connector.getSelectorManager().getSelectorCount();
					QueuedThreadPool pool = (QueuedThreadPool) server.getThreadPool();
					assertThat(pool.getMaxThreads()).as("Jetty's maxThreads").isEqualTo(expected.limit() + ioThreads);
					assertThat(pool.getMinThreads()).as("Jetty's minThreads")
						.isEqualTo(Math.min(pool.getMaxThreads(), expected.minThreads() + ioThreads));
				}
			}

		};

		private final Class<?> application;

		ServerKind(Class<?> application) {
			this.application = application;
		}

		abstract void assertRunsWith(Object webServer, ConcurrencyModel model, Expected expected);

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ TomcatServletWebServerAutoConfiguration.class, ConcurrencyAutoConfiguration.class })
	static class TomcatApplication {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ JettyServletWebServerAutoConfiguration.class, ConcurrencyAutoConfiguration.class })
	static class JettyApplication {

	}

}
