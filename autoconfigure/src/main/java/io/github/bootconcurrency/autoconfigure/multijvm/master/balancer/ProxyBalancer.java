package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.github.bootconcurrency.autoconfigure.multijvm.ForwardedAllowIps;
import io.github.bootconcurrency.autoconfigure.multijvm.ForwardingSecret;
import io.github.bootconcurrency.autoconfigure.multijvm.UpstreamHeaders;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.ListenerLimits;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Worker;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.WorkerBalancer;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.ResponseCommitListener;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyHandler;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import org.jspecify.annotations.Nullable;
import org.xnio.Options;

/**
 * The master's front door under the {@code proxy} balancer: Undertow serves the
 * application's port and proxies each request to a ready worker on loopback.
 *
 * <p>
 * A worker is added only once it is ready and removed before it is told to stop, so no
 * new request reaches a worker that is going away; a request whose connection to a dying
 * worker fails is retried on another one. While there is no worker, requests wait in a
 * {@link WaitingRoom} for one, up to the queue timeout. A connection to a worker whose
 * exchange's client was cut off mid-response is closed, not reused: see
 * {@link ClosingProxyClient}.
 */
public final class ProxyBalancer implements WorkerBalancer {

	/**
	 * Requests that may wait, per IO thread and worker, for a connection to a worker;
	 * past that the proxy answers 503.
	 */
	static final int QUEUE_PER_THREAD = 10_000;

	/**
	 * Longest a connection to a worker stays open while idle.
	 */
	static final Duration MAX_IDLE = Duration.ofSeconds(5);

	private final LoadBalancingProxyClient client;

	private static final HttpString HTTP2_SETTINGS = new HttpString("HTTP2-Settings");

	/**
	 * Keeps a worker's {@code Connection: close} off the client's connection: the header
	 * is hop-by-hop (RFC 9110, 7.6.1), so it ends the proxy's connection to the worker,
	 * which Undertow's client honours, and not the client's. Passed on, it made every
	 * client reconnect once per worker connection's last response, which Tomcat sends on
	 * the 100th request of each ({@code server.tomcat.max-keep-alive-requests}): one new
	 * client connection every few dozen requests under load. The master still closes the
	 * client's connection when it has its own reason (the client asked, HTTP/1.0 without
	 * keep-alive, the master stopping); a worker's {@code Connection: upgrade} passes.
	 */
	private static final ResponseCommitListener KEEP_CLIENT_CONNECTION = (exchange) -> {
		HeaderMap headers = exchange.getResponseHeaders();
		String connection = headers.getFirst(Headers.CONNECTION);
		if (connection != null && connection.equalsIgnoreCase(Headers.CLOSE.toString())) {
			headers.remove(Headers.CONNECTION);
		}
	};

	private final Undertow server;

	private final int ioThreads;

	/**
	 * The address and port the proxy listens on, as configured, for messages.
	 */
	private final String where;

	private final WaitingRoom waitingRoom;

	/**
	 * What becomes of the forwarding headers clients send.
	 */
	private final ForwardedHeaders forwardedHeaders;

	/**
	 * The workers the proxy has, guarded by this balancer.
	 */
	private final Set<URI> workers = new HashSet<>();

	/**
	 * Create the proxy of a configuration.
	 * @param config the configuration
	 * @param secret the secret with which the proxy proves to the workers that it set a
	 * request's forwarding headers
	 */
	public ProxyBalancer(MasterConfig config, @Nullable ForwardingSecret secret) {
		this(config, secret, System.out);
	}

	/**
	 * Create the proxy of a configuration, writing its lines to the master's output.
	 * @param config the configuration
	 * @param secret the secret with which the proxy proves to the workers that it set a
	 * request's forwarding headers
	 * @param out the master's output, for the lines about requests lost at a worker
	 */
	public ProxyBalancer(MasterConfig config, @Nullable ForwardingSecret secret, PrintStream out) {
		this(config.address(), config.port(), config.backlog(), config.workerCapacity(), config.keepAlive(),
				config.queueTimeout(), config.listenerLimits(),
				new ForwardedHeaders(config.forwardedAllowIps(), config.upstreamHeaders(), secret), defaultIoThreads(),
				WaitingRoom.MAX_HELD, out);
	}

	/**
	 * Create the proxy, its listener's limits left to their defaults.
	 * @param host the address to serve
	 * @param port the port to serve
	 * @param backlog the listen backlog
	 * @param workerCapacity the requests one worker handles at once
	 * @param workerKeepAlive how long a worker keeps an idle connection open
	 * @param queueTimeout how long a request waits for a ready worker when there is none
	 */
	public ProxyBalancer(String host, int port, int backlog, int workerCapacity, Duration workerKeepAlive,
			Duration queueTimeout) {
		this(host, port, backlog, workerCapacity, workerKeepAlive, queueTimeout, defaultIoThreads(),
				WaitingRoom.MAX_HELD);
	}

	/**
	 * Create the proxy with its threads and its waiting room sized, its listener's limits
	 * left to their defaults.
	 * @param host the address to serve
	 * @param port the port to serve
	 * @param backlog the listen backlog
	 * @param workerCapacity the requests one worker handles at once
	 * @param workerKeepAlive how long a worker keeps an idle connection open
	 * @param queueTimeout how long a request waits for a ready worker when there is none
	 * @param ioThreads the number of IO threads
	 * @param maxHeld most requests waiting for a ready worker at once
	 */
	public ProxyBalancer(String host, int port, int backlog, int workerCapacity, Duration workerKeepAlive,
			Duration queueTimeout, int ioThreads, int maxHeld) {
		this(host, port, backlog, workerCapacity, workerKeepAlive, queueTimeout,
				ListenerLimits.defaults(workerKeepAlive), ioThreads, maxHeld);
	}

	/**
	 * Create the proxy with its listener's limits, its threads and its waiting room
	 * sized, trusting no client's forwarding headers.
	 * @param host the address to serve
	 * @param port the port to serve
	 * @param backlog the listen backlog
	 * @param workerCapacity the requests one worker handles at once
	 * @param workerKeepAlive how long a worker keeps an idle connection open
	 * @param queueTimeout how long a request waits for a ready worker when there is none
	 * @param limits what the listener grants one client
	 * @param ioThreads the number of IO threads
	 * @param maxHeld most requests waiting for a ready worker at once
	 */
	public ProxyBalancer(String host, int port, int backlog, int workerCapacity, Duration workerKeepAlive,
			Duration queueTimeout, ListenerLimits limits, int ioThreads, int maxHeld) {
		this(host, port, backlog, workerCapacity, workerKeepAlive, queueTimeout, limits,
				new ForwardedHeaders(ForwardedAllowIps.of(List.of()), UpstreamHeaders.defaults(), null), ioThreads,
				maxHeld, System.out);
	}

	/**
	 * Create the proxy with its listener's limits, its threads and its waiting room
	 * sized.
	 * @param host the address to serve
	 * @param port the port to serve
	 * @param backlog the listen backlog
	 * @param workerCapacity the requests one worker handles at once
	 * @param workerKeepAlive how long a worker keeps an idle connection open
	 * @param queueTimeout how long a request waits for a ready worker when there is none
	 * @param limits what the listener grants one client
	 * @param forwardedHeaders what becomes of the forwarding headers clients send
	 * @param ioThreads the number of IO threads
	 * @param maxHeld most requests waiting for a ready worker at once
	 * @param out the master's output, for the lines about requests lost at a worker
	 */
	public ProxyBalancer(String host, int port, int backlog, int workerCapacity, Duration workerKeepAlive,
			Duration queueTimeout, ListenerLimits limits, ForwardedHeaders forwardedHeaders, int ioThreads, int maxHeld,
			PrintStream out) {
		this.where = host + ":" + port;
		this.ioThreads = ioThreads;
		this.forwardedHeaders = forwardedHeaders;
		// Idle connections to a worker are closed well before the worker would close
		// them: a POST sent on a connection the worker is closing at that instant fails,
		// and cannot be retried.
		this.client = new LoadBalancingProxyClient().setSoftMaxConnectionsPerThread(0)
			.setMaxQueueSize(QUEUE_PER_THREAD)
			.setProblemServerRetry(1);
		sizeConnections(workerCapacity, workerKeepAlive);
		LostRequests lostRequests = new LostRequests(out);
		ProxyHandler proxy = ProxyHandler.builder()
			.setProxyClient(new ClosingProxyClient(this.client, lostRequests))
			.setIdempotentRequestPredicate(lostRequests)
			.setMaxRequestTime(-1)
			.setMaxConnectionRetries(2)
			.setNext(ResponseCodeHandler.HANDLE_404)
			.build();
		this.waitingRoom = new WaitingRoom(proxy, queueTimeout, maxHeld);
		this.server = Undertow.builder()
			.setIoThreads(ioThreads)
			.addHttpListener(port, host)
			.setSocketOption(Options.BACKLOG, backlog)
			// A slow or hostile client gets no more of the master than of a worker's own
			// server: a bounded share of its descriptors and heap, for a bounded time.
			.setSocketOption(Options.CONNECTION_HIGH_WATER, limits.maxConnections())
			.setSocketOption(Options.CONNECTION_LOW_WATER, limits.maxConnections())
			.setSocketOption(Options.WRITE_TIMEOUT, millis(limits.writeTimeout()))
			.setServerOption(UndertowOptions.MAX_HEADER_SIZE, limits.maxHeaderBytes())
			.setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis(limits.headerTimeout()))
			.setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, millis(limits.idleTimeout()))
			.setHandler((exchange) -> {
				exchange.addResponseCommitListener(KEEP_CLIENT_CONNECTION);
				dropH2cUpgrade(exchange.getRequestHeaders());
				this.forwardedHeaders.apply(exchange);
				this.waitingRoom.handleRequest(exchange);
			})
			.build();
	}

	private static int defaultIoThreads() {
		return Math.max(2, Runtime.getRuntime().availableProcessors());
	}

	private static int millis(Duration duration) {
		return (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toMillis()));
	}

	/**
	 * Size the connections to each worker added from now on by what it handles at once,
	 * so that the proxy never holds back what a worker could take.
	 */
	private void sizeConnections(int workerCapacity, Duration workerKeepAlive) {
		this.client.setConnectionsPerThread(connectionsPerThread(workerCapacity, this.ioThreads))
			.setTtl((int) idleConnectionTtl(workerKeepAlive).toMillis());
	}

	/**
	 * Size the connections to the workers started from now on by the settings they run
	 * with, read again on reload: each worker's pool is sized when it is added, so the
	 * workers still running keep theirs.
	 * @param config the configuration new workers start with
	 */
	@Override
	public synchronized void configure(MasterConfig config) {
		sizeConnections(config.workerCapacity(), config.keepAlive());
	}

	static Duration idleConnectionTtl(Duration workerKeepAlive) {
		Duration half = workerKeepAlive.dividedBy(2);
		Duration floor = Duration.ofMillis(1);
		return half.compareTo(MAX_IDLE) > 0 ? MAX_IDLE : (half.compareTo(floor) < 0 ? floor : half);
	}

	static int connectionsPerThread(int workerCapacity, int ioThreads) {
		int perWorker = Math.min(workerCapacity, ListenerLimits.MAX_CONNECTIONS_PER_WORKER);
		return Math.max(1, (perWorker + ioThreads - 1) / ioThreads);
	}

	/**
	 * The master answers in HTTP/1.1, as a server may (RFC 9113, 3.2), so it drops a
	 * client's offer to upgrade to h2c. Passed on without the Connection header that the
	 * proxy removes, the offer is malformed, and Jetty answers it with 400.
	 */
	static void dropH2cUpgrade(HeaderMap headers) {
		String upgrade = headers.getFirst(Headers.UPGRADE);
		if (upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("h2c")) {
			headers.remove(Headers.UPGRADE);
			headers.remove(HTTP2_SETTINGS);
		}
	}

	/**
	 * Start listening.
	 * @throws IllegalStateException if the port cannot be bound, naming it and why
	 */
	@Override
	public void start() {
		try {
			this.server.start();
		}
		catch (RuntimeException ex) {
			// Undertow wraps the bind's failure without saying where it bound.
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new IllegalStateException("Cannot listen on " + this.where + " for the proxy balancer: "
					+ cause.getMessage() + ((cause instanceof BindException)
							? ". Another process listens on it: stop it or change server.port." : ""),
					ex);
		}
	}

	@Override
	public synchronized void add(Worker worker) {
		URI uri = worker.uri();
		if (this.workers.add(uri)) {
			this.client.addHost(uri);
		}
		// Only once the proxy has the host: a request let through earlier would find none
		// and be answered 503.
		this.waitingRoom.open();
	}

	@Override
	public synchronized void remove(Worker worker) {
		URI uri = worker.uri();
		if (!this.workers.remove(uri)) {
			return;
		}
		if (this.workers.isEmpty()) {
			// Before the last host goes, for the same reason.
			this.waitingRoom.close();
		}
		this.client.removeHost(uri);
	}

	/**
	 * Return the port the proxy serves, once started.
	 * @return the port
	 */
	@Override
	public int port() {
		return ((InetSocketAddress) this.server.getListenerInfo().get(0).getAddress()).getPort();
	}

	/**
	 * Return how many requests wait for a ready worker.
	 * @return the number of held requests
	 */
	@Override
	public int heldRequests() {
		return this.waitingRoom.held();
	}

	@Override
	public void stopAccepting() {
		this.waitingRoom.refuse();
	}

	@Override
	public void stop() {
		this.server.stop();
	}

}
