package io.github.bootconcurrency.autoconfigure.server;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.apache.coyote.AbstractProtocol;
import org.apache.tomcat.util.threads.VirtualThreadExecutor;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same {@code concurrency.*} keys, read back from the running Tomcat and Jetty
 * servers in their own terms.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ServerTranslationTests {

	private static final String TOMCAT = "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration";

	private static final String JETTY = "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration";

	private ConfigurableApplicationContext context;

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void platformModelOnTomcatSetsPoolBacklogConnectionsAndKeepAlive() {
		AbstractProtocol<?> protocol = tomcatProtocol("concurrency.platform.max-threads=7",
				"concurrency.platform.min-threads=3", "concurrency.backlog=1234", "concurrency.max-connections=999",
				"concurrency.keep-alive-timeout=7s");
		assertThat(protocol.getMaxThreads()).isEqualTo(7);
		assertThat(protocol.getMinSpareThreads()).isEqualTo(3);
		assertThat(protocol.getAcceptCount()).isEqualTo(1234);
		assertThat(protocol.getMaxConnections()).isEqualTo(999);
		assertThat(protocol.getKeepAliveTimeout()).isEqualTo(7000);
		assertThat(this.context.getBean(ServerTranslation.class).getServer()).isEqualTo("tomcat");
	}

	@Test
	void virtualModelOnTomcatUsesVirtualThreadsAndTheConnectionDefaultAboveTheCap() {
		AbstractProtocol<?> protocol = tomcatProtocol("concurrency.model=virtual",
				"concurrency.virtual.max-concurrent-requests=300");
		assertThat(protocol.getExecutor()).isInstanceOf(VirtualThreadExecutor.class);
		assertThat(protocol.getAcceptCount()).isEqualTo(2048);
		assertThat(protocol.getMaxConnections()).isEqualTo(300 + 2048);
	}

	@Test
	void platformModelOnJettySizesThePoolForRequestsPlusIoThreads() {
		Server server = jettyServer("concurrency.platform.max-threads=7", "concurrency.platform.min-threads=3",
				"concurrency.backlog=1234", "concurrency.max-connections=999", "concurrency.keep-alive-timeout=7s");
		ServerConnector connector = (ServerConnector) server.getConnectors()[0];
		int ioThreads = connector.getAcceptors() + connector.getSelectorManager().getSelectorCount();
		QueuedThreadPool pool = (QueuedThreadPool) server.getThreadPool();
		assertThat(pool.getMaxThreads()).isEqualTo(7 + ioThreads);
		assertThat(pool.getMinThreads()).isEqualTo(3 + ioThreads);
		assertThat(connector.getAcceptQueueSize()).isEqualTo(1234);
		assertThat(connector.getIdleTimeout()).isEqualTo(7000);
		assertThat(connectionLimit(server)).isEqualTo(999);
		assertThat(this.context.getBean(ServerTranslation.class).getServer()).isEqualTo("jetty");
	}

	@Test
	void virtualModelOnJettyRaisesTheVirtualPoolsTaskCapAboveTheConnectionLimit() {
		Server server = jettyServer("concurrency.model=virtual", "concurrency.virtual.max-concurrent-requests=300");
		VirtualThreadPool pool = (VirtualThreadPool) server.getThreadPool();
		assertThat(pool.getMaxConcurrentTasks()).isGreaterThan(300 + 2048);
		assertThat(connectionLimit(server)).isEqualTo(300 + 2048);
		assertThat(((ServerConnector) server.getConnectors()[0]).getAcceptQueueSize()).isEqualTo(2048);
	}

	private int connectionLimit(Server server) {
		return server.getBeans(NetworkConnectionLimit.class)
			.stream()
			.mapToInt(NetworkConnectionLimit::getMaxNetworkConnectionCount)
			.findFirst()
			.orElseThrow(() -> new AssertionError(
					"No connection limit among " + Arrays.toString(server.getBeans().toArray())));
	}

	private AbstractProtocol<?> tomcatProtocol(String... properties) {
		start(JETTY, properties);
		TomcatWebServer webServer = (TomcatWebServer) ((WebServerApplicationContext) this.context).getWebServer();
		return (AbstractProtocol<?>) webServer.getTomcat().getConnector().getProtocolHandler();
	}

	private Server jettyServer(String... properties) {
		start(TOMCAT, properties);
		return ((JettyWebServer) ((WebServerApplicationContext) this.context).getWebServer()).getServer();
	}

	private void start(String excluded, String... properties) {
		this.context = new SpringApplicationBuilder(EmptyApplication.class)
			.properties("server.port=0", "spring.autoconfigure.exclude=" + excluded)
			.properties(properties)
			.run();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration(
			excludeName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
	static class EmptyApplication {

	}

}
