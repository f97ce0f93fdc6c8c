package io.github.bootconcurrency.autoconfigure.server;

import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;

/**
 * Translates the concurrency settings to Jetty.
 *
 * <p>
 * Jetty runs its acceptors and selectors on the same pool as request handlers, so under
 * the platform model the pool is sized to {@code max-threads} plus those I/O threads,
 * counted once the connectors exist; the request gate then keeps request handling at
 * {@code max-threads}, and no thread is set aside as a reserved thread. Under the virtual
 * model Jetty's {@link VirtualThreadPool} would cap tasks at 200 by default: its cap is
 * raised above the connection limit so that the request gate, not Jetty, decides.
 */
public class JettyConcurrencyCustomizer extends AbstractConcurrencyCustomizer<ConfigurableJettyWebServerFactory> {

	/**
	 * Tasks beyond one per connection: acceptors, selectors and housekeeping.
	 */
	private static final int VIRTUAL_TASK_HEADROOM = 64;

	public JettyConcurrencyCustomizer(ConcurrencySettings settings, ServerTranslation translation, RequestGate gate) {
		super("jetty", settings, translation, gate);
	}

	@Override
	public void customize(ConfigurableJettyWebServerFactory factory) {
		factory.setMaxConnections(this.settings.maxConnections());
		record("maxConnections", this.settings.maxConnections());
		if (this.settings.model().usesVirtualThreads()) {
			VirtualThreadPool pool = new VirtualThreadPool(this.settings.maxConnections() + VIRTUAL_TASK_HEADROOM);
			pool.setName("jetty-vt-");
			factory.setThreadPool(pool);
			record("threadPool", "VirtualThreadPool(maxConcurrentTasks=" + pool.getMaxConcurrentTasks() + ")");
		}
		else {
			QueuedThreadPool pool = new QueuedThreadPool(this.settings.maxThreads(), this.settings.minThreads());
			pool.setName("jetty-");
			factory.setThreadPool(pool);
		}
		factory.addServerCustomizers(this::customize);
	}

	private void customize(Server server) {
		int ioThreads = 0;
		for (Connector connector : server.getConnectors()) {
			if (connector instanceof ServerConnector serverConnector) {
				serverConnector.setAcceptQueueSize(this.settings.backlog());
				serverConnector.setIdleTimeout(this.settings.keepAliveTimeout().toMillis());
				ioThreads += serverConnector.getAcceptors() + serverConnector.getSelectorManager().getSelectorCount();
			}
		}
		record("acceptQueueSize", this.settings.backlog());
		record("idleTimeout", this.settings.keepAliveTimeout().toMillis() + "ms");
		if (server.getThreadPool() instanceof QueuedThreadPool pool) {
			// A reserved thread idles until it is handed a task by a selector, and a
			// plain task never gets it: with a pool this tight it would hold one of
			// max-threads.
			pool.setReservedThreads(0);
			pool.setMaxThreads(this.settings.maxThreads() + ioThreads);
			pool.setMinThreads(Math.min(pool.getMaxThreads(), this.settings.minThreads() + ioThreads));
			this.gate.setServerQueue(pool::getQueueSize);
			record("threadPool",
					"QueuedThreadPool(maxThreads=" + pool.getMaxThreads() + " = max-threads "
							+ this.settings.maxThreads() + " + " + ioThreads
							+ " acceptor and selector threads, minThreads=" + pool.getMinThreads() + ")");
		}
	}

}
