package io.github.bootconcurrency.autoconfigure.multijvm;

import java.util.Locale;

import io.undertow.Undertow;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyHandler;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import org.xnio.Options;

/**
 * The master's front door under the {@code proxy} balancer: Undertow serves the
 * application's port and proxies each request to a ready worker on loopback.
 *
 * <p>
 * A worker is added only once it is ready and removed before it is told to stop, so no
 * new request reaches a worker that is going away; a request whose connection to a dying
 * worker fails is retried on another one.
 */
final class ProxyBalancer implements Balancer {

	private final LoadBalancingProxyClient client = new LoadBalancingProxyClient().setConnectionsPerThread(64)
		.setMaxQueueSize(4096)
		.setProblemServerRetry(1);

	private static final HttpString HTTP2_SETTINGS = new HttpString("HTTP2-Settings");

	private final Undertow server;

	ProxyBalancer(String host, int port, int backlog) {
		ProxyHandler proxy = ProxyHandler.builder()
			.setProxyClient(this.client)
			.setMaxRequestTime(-1)
			.setMaxConnectionRetries(2)
			.setNext(ResponseCodeHandler.HANDLE_404)
			.build();
		this.server = Undertow.builder()
			.addHttpListener(port, host)
			.setSocketOption(Options.BACKLOG, backlog)
			.setHandler((exchange) -> {
				dropH2cUpgrade(exchange.getRequestHeaders());
				proxy.handleRequest(exchange);
			})
			.build();
	}

	/**
	 * The master answers in HTTP/1.1, as a server may (RFC 9113, 3.2), so it drops a
	 * client's offer to upgrade to h2c. Passed on without the Connection header that
	 * the proxy removes, the offer is malformed, and Jetty answers it with 400.
	 */
	static void dropH2cUpgrade(HeaderMap headers) {
		String upgrade = headers.getFirst(Headers.UPGRADE);
		if (upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("h2c")) {
			headers.remove(Headers.UPGRADE);
			headers.remove(HTTP2_SETTINGS);
		}
	}

	@Override
	public void start() {
		this.server.start();
	}

	@Override
	public void add(Worker worker) {
		this.client.addHost(worker.uri());
	}

	@Override
	public void remove(Worker worker) {
		this.client.removeHost(worker.uri());
	}

	@Override
	public void stop() {
		this.server.stop();
	}

}
