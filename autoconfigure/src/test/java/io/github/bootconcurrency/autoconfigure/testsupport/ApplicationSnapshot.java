package io.github.bootconcurrency.autoconfigure.testsupport;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.coyote.AbstractProtocol;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * What an application is, as seen from outside, to compare the same application with and
 * without the starter: its beans, its environment (every property source and the
 * properties of those that the application's configuration makes) and its web server's
 * backlog.
 *
 * @param beans the names of the bean definitions, sorted
 * @param environment each property source's name, with its properties
 * @param backlog the web server's accept queue length, or {@code null} without a server
 */
public record ApplicationSnapshot(List<String> beans, Map<String, Map<String, String>> environment, Integer backlog) {

	// Shared with the whole JVM, and so with the other application of the comparison.
	private static final Set<String> NOT_COMPARED = Set.of(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
			StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);

	/**
	 * Take the snapshot of a running application.
	 * @param context the application's context
	 * @return the snapshot
	 */
	public static ApplicationSnapshot of(ConfigurableApplicationContext context) {
		List<String> beans = Arrays.stream(context.getBeanDefinitionNames()).sorted().toList();
		return new ApplicationSnapshot(beans, environment(context.getEnvironment()), backlog(context));
	}

	private static Map<String, Map<String, String>> environment(ConfigurableEnvironment environment) {
		Map<String, Map<String, String>> sources = new LinkedHashMap<>();
		for (PropertySource<?> source : environment.getPropertySources()) {
			Map<String, String> properties = new LinkedHashMap<>();
			if (source instanceof EnumerablePropertySource<?> enumerable && !NOT_COMPARED.contains(source.getName())) {
				for (String name : enumerable.getPropertyNames()) {
					if (name.startsWith("local.")) {
						// The kernel's choice of port.
						continue;
					}
					properties.put(name, String.valueOf(enumerable.getProperty(name)));
				}
			}
			sources.put(source.getName(), properties);
		}
		return sources;
	}

	private static Integer backlog(ConfigurableApplicationContext context) {
		if (!(context instanceof WebServerApplicationContext web)) {
			return null;
		}
		WebServer server = web.getWebServer();
		if (server instanceof TomcatWebServer tomcat) {
			return ((AbstractProtocol<?>) tomcat.getTomcat().getConnector().getProtocolHandler()).getAcceptCount();
		}
		if (server instanceof JettyWebServer jetty) {
			Server jettyServer = jetty.getServer();
			return ((ServerConnector) jettyServer.getConnectors()[0]).getAcceptQueueSize();
		}
		throw new IllegalStateException("Unexpected web server " + server);
	}

}
