package io.github.bootconcurrency.autoconfigure.server;

import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.apache.tomcat.util.threads.VirtualThreadExecutor;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;

/**
 * Translates the concurrency settings to Tomcat's connector.
 *
 * <p>
 * It works as a connector customizer because Spring Boot applies its own
 * {@code server.tomcat.*} values the same way, and connector customizers run in the order
 * they were added: ours, added later, has the last word. Conflicts with those keys were
 * already refused when the settings were resolved, so nothing the user set is overridden.
 */
public class TomcatConcurrencyCustomizer extends AbstractConcurrencyCustomizer<ConfigurableTomcatWebServerFactory> {

	public TomcatConcurrencyCustomizer(ConcurrencySettings settings, ServerTranslation translation, RequestGate gate) {
		super("tomcat", settings, translation, gate);
	}

	@Override
	public void customize(ConfigurableTomcatWebServerFactory factory) {
		factory.addConnectorCustomizers(this::customize);
	}

	private void customize(Connector connector) {
		if (!(connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol)) {
			throw new IllegalStateException("Cannot apply the concurrency settings to Tomcat protocol "
					+ connector.getProtocolHandler().getClass().getName());
		}
		protocol.setAcceptCount(this.settings.backlog());
		protocol.setMaxConnections(this.settings.maxConnections());
		protocol.setKeepAliveTimeout((int) Math.min(Integer.MAX_VALUE, this.settings.keepAliveTimeout().toMillis()));
		record("acceptCount", this.settings.backlog());
		record("maxConnections", this.settings.maxConnections());
		record("keepAliveTimeout", protocol.getKeepAliveTimeout() + "ms");
		if (this.settings.model().usesVirtualThreads()) {
			protocol.setExecutor(new VirtualThreadExecutor("tomcat-vt-"));
			record("executor", "virtual threads (tomcat-vt-)");
		}
		else {
			protocol.setMaxThreads(this.settings.maxThreads());
			protocol.setMinSpareThreads(this.settings.minThreads());
			record("executor", "platform thread pool (http-nio-*-exec-)");
			record("maxThreads", this.settings.maxThreads());
			record("minSpareThreads", this.settings.minThreads());
			// Tomcat creates its executor when the connector starts: look it up on each
			// read.
			this.gate.setServerQueue(() -> (protocol.getExecutor() instanceof ThreadPoolExecutor executor)
					? executor.getQueue().size() : 0);
		}
	}

}
