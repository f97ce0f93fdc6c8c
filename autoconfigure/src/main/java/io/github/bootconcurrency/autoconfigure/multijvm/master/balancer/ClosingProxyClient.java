package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.undertow.client.ClientConnection;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyClient;
import io.undertow.server.handlers.proxy.ProxyConnection;
import org.xnio.IoUtils;

/**
 * The proxy's client to the workers: another client's connections, each closed rather
 * than given back to the pool when the client of its exchange was cut off before the
 * exchange ended.
 *
 * <p>
 * Undertow's pool (2.4) takes a connection to a worker back when the exchange that used
 * it completes, and keeps it if it is still open: it cannot tell whether the worker's
 * response was read to its end. When the proxy's write to a client times out, Undertow
 * closes the client's connection from a timer, and the exchange completes at once; the
 * transfer of the worker's response is not told, so it never reads the worker's
 * connection again, and the rest of the response stays unread in it. Kept, that
 * connection went to the next request on the same IO thread, which waited behind the
 * unread response for good (its client got no answer, and a client that asked for a large
 * response was never written to, so never timed out either), while the worker's write
 * stayed blocked, or gave up and closed a connection the proxy no longer read.
 *
 * <p>
 * So each exchange gets a completion listener of its own, added once the pool has added
 * its: Undertow runs them last added first, so this one runs before the pool takes the
 * connection back. If the client's connection is closed by then, the exchange did not end
 * normally (a normal end, even one that closes the client's connection, completes the
 * exchange first and closes after), and the worker's connection is closed: the pool then
 * finds it closed, drops it and frees its place, which it gives to a request waiting for
 * one, and the worker's write fails at once. Exchanges that end normally keep their
 * connection, and the keep-alive to the workers.
 */
final class ClosingProxyClient implements ProxyClient {

	private final ProxyClient delegate;

	private final LostRequests lostRequests;

	/**
	 * Wrap a client.
	 * @param delegate the client that finds the targets and pools their connections
	 * @param lostRequests what becomes of a request lost at its worker that finds no
	 * worker left
	 */
	ClosingProxyClient(ProxyClient delegate, LostRequests lostRequests) {
		this.delegate = delegate;
		this.lostRequests = lostRequests;
	}

	@Override
	public ProxyTarget findTarget(HttpServerExchange exchange) {
		return this.delegate.findTarget(exchange);
	}

	@Override
	public void getConnection(ProxyTarget target, HttpServerExchange exchange, ProxyCallback<ProxyConnection> callback,
			long timeout, TimeUnit timeUnit) {
		this.delegate.getConnection(target, exchange, new ClosingCallback(callback, this.lostRequests), timeout,
				timeUnit);
	}

	@Override
	public List<ProxyTarget> getAllTargets() {
		return this.delegate.getAllTargets();
	}

	/**
	 * Passes each outcome on, having watched the exchange of a connection it got. Every
	 * connection an exchange gets, a retry's too, is watched.
	 */
	private record ClosingCallback(ProxyCallback<ProxyConnection> next,
			LostRequests lostRequests) implements ProxyCallback<ProxyConnection> {

		@Override
		public void completed(HttpServerExchange exchange, ProxyConnection connection) {
			ClientConnection worker = connection.getConnection();
			exchange.addExchangeCompleteListener((ended, nextListener) -> {
				try {
					if (!ended.getConnection().isOpen()) {
						IoUtils.safeClose(worker);
					}
				}
				finally {
					nextListener.proceed();
				}
			});
			this.next.completed(exchange, connection);
		}

		@Override
		public void failed(HttpServerExchange exchange) {
			this.next.failed(exchange);
		}

		@Override
		public void couldNotResolveBackend(HttpServerExchange exchange) {
			// The retry of a request lost at its worker comes here when no worker is
			// left (every one removed: the master is stopping).
			if (!exchange.isResponseStarted() && this.lostRequests.failedAtWorker(exchange)) {
				this.lostRequests.noWorkerLeft(exchange);
				return;
			}
			this.next.couldNotResolveBackend(exchange);
		}

		@Override
		public void queuedRequestFailed(HttpServerExchange exchange) {
			this.next.queuedRequestFailed(exchange);
		}

	}

}
