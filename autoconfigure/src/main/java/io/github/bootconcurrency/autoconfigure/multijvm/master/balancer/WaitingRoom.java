package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.Connectors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import org.jspecify.annotations.Nullable;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * Holds the requests that reach the proxy while it has no worker, and lets them through,
 * in the order they came, as soon as one is added; a request still held after the queue
 * timeout is answered with {@code 503 Service Unavailable} and a {@code Retry-After}
 * header.
 *
 * <p>
 * Without it the proxy answers 503 at once whenever no worker is ready, on a cold start
 * or when every worker is gone, where Gunicorn's clients would wait in the listen
 * backlog. A held request costs its exchange and no thread: it is suspended, and resumed
 * on its own IO thread, where the proxy keeps its connections to the workers and where
 * the exchange's timer and connection are safe to touch. Parking and opening take one
 * lock, so a request that parks while a worker is being added is either let through by
 * that add or sees the room open; the volatile flag keeps that lock off the way of a
 * proxy that has workers. A held request without a body watches its connection, so that a
 * client that hangs up leaves at once rather than at the timeout; one with a body is not
 * watched, since reading the connection would take its body. Held requests are capped, so
 * that a flood of them cannot exhaust the heap.
 */
final class WaitingRoom implements HttpHandler {

	/**
	 * Most requests held at once; past that a request is answered 503 at once.
	 */
	static final int MAX_HELD = 10_000;

	private final HttpHandler next;

	private final Duration timeout;

	private final int maxHeld;

	private final HttpHandler timedOut;

	private final HttpHandler full;

	private final HttpHandler stopping;

	private final Object lock = new Object();

	/**
	 * Guarded by {@link #lock}; iterates in arrival order.
	 */
	private final Set<Held> held = new LinkedHashSet<>();

	/**
	 * Whether the proxy has a worker. Written under {@link #lock}.
	 */
	private volatile boolean open;

	/**
	 * Whether the master is stopping. Written under {@link #lock}.
	 */
	private boolean refusing;

	/**
	 * Create a closed waiting room.
	 * @param next the handler that serves a request once a worker is there
	 * @param timeout how long a request is held at most
	 * @param maxHeld most requests held at once
	 */
	WaitingRoom(HttpHandler next, Duration timeout, int maxHeld) {
		this.next = next;
		this.timeout = timeout;
		this.maxHeld = maxHeld;
		String retryAfter = Long.toString(Math.max(1, (timeout.toMillis() + 999) / 1000));
		this.timedOut = refusal(retryAfter,
				"No worker became ready within concurrency.multi-jvm.queue-timeout (" + describe(timeout) + ").\n");
		this.full = refusal(retryAfter, "No worker is ready, and " + maxHeld + " requests already wait for one.\n");
		HttpHandler stopping = refusal("1", "The server is stopping.\n");
		this.stopping = (exchange) -> {
			// Another instance may take the client's next request: it must not come back
			// here.
			exchange.setPersistent(false);
			stopping.handleRequest(exchange);
		};
	}

	private static String describe(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

	private static HttpHandler refusal(String retryAfter, String message) {
		byte[] body = message.getBytes(StandardCharsets.UTF_8);
		return (exchange) -> {
			exchange.setStatusCode(StatusCodes.SERVICE_UNAVAILABLE);
			exchange.getResponseHeaders()
				.put(Headers.RETRY_AFTER, retryAfter)
				.put(Headers.CONTENT_TYPE, "text/plain;charset=UTF-8");
			exchange.getResponseSender().send(ByteBuffer.wrap(body));
		};
	}

	@Override
	public void handleRequest(HttpServerExchange exchange) throws Exception {
		if (this.open) {
			this.next.handleRequest(exchange);
			return;
		}
		// Parked only once dispatched: resumed earlier by an add on the master's loop,
		// the exchange would run twice at once, there and in this call.
		exchange.dispatch(SameThreadExecutor.INSTANCE, () -> park(exchange));
	}

	private void park(HttpServerExchange exchange) {
		Held request = new Held(exchange);
		HttpHandler now = null;
		synchronized (this.lock) {
			if (this.refusing) {
				now = this.stopping;
			}
			else if (this.open) {
				now = this.next;
			}
			else if (this.held.size() >= this.maxHeld) {
				now = this.full;
			}
			else {
				this.held.add(request);
			}
		}
		if (now != null) {
			Connectors.executeRootHandler(now, exchange);
			return;
		}
		// A release queued meanwhile runs on this IO thread after this task, so it finds
		// the timer and the watch in place.
		request.hold();
	}

	/**
	 * Let every held request through, in arrival order, and every new one straight in.
	 * Called once the proxy has a worker.
	 */
	void open() {
		List<Held> released;
		synchronized (this.lock) {
			if (this.refusing) {
				return;
			}
			this.open = true;
			released = new ArrayList<>(this.held);
			this.held.clear();
		}
		for (Held request : released) {
			request.exchange.getIoThread().execute(request::release);
		}
	}

	/**
	 * Hold new requests from now on. Called before the proxy loses its last worker.
	 */
	void close() {
		synchronized (this.lock) {
			this.open = false;
		}
	}

	/**
	 * Answer every held request and every new one with 503 and no keep-alive: the master
	 * is stopping, and no worker will take them. Requests already with a worker finish.
	 */
	void refuse() {
		List<Held> refused;
		synchronized (this.lock) {
			this.refusing = true;
			this.open = false;
			refused = new ArrayList<>(this.held);
			this.held.clear();
		}
		for (Held request : refused) {
			request.exchange.getIoThread().execute(request::refuse);
		}
	}

	/**
	 * Return how many requests are held.
	 * @return the number of held requests
	 */
	int held() {
		synchronized (this.lock) {
			return this.held.size();
		}
	}

	/**
	 * Take a request out of the room, which the caller then answers, once.
	 */
	private boolean leave(Held request) {
		synchronized (this.lock) {
			return this.held.remove(request);
		}
	}

	/**
	 * One held request. Apart from its place in the room, its state is only touched on
	 * the exchange's IO thread.
	 */
	private final class Held {

		private final HttpServerExchange exchange;

		private XnioExecutor.@Nullable Key timer;

		private @Nullable ConduitStreamSourceChannel watched;

		private @Nullable ChannelListener<? super ConduitStreamSourceChannel> undertowListener;

		Held(HttpServerExchange exchange) {
			this.exchange = exchange;
		}

		void hold() {
			this.timer = this.exchange.getIoThread()
				.executeAfter(this::expire, WaitingRoom.this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			watch();
		}

		/**
		 * Watch the connection for the client hanging up, in Undertow's place: while a
		 * request runs, Undertow does not read its connection.
		 */
		private void watch() {
			if (!this.exchange.isRequestComplete()
					|| !(this.exchange.getConnection() instanceof HttpServerConnection connection)
					|| connection.getExtraBytes() != null) {
				return;
			}
			ConduitStreamSourceChannel source = connection.getChannel().getSourceChannel();
			this.undertowListener = source.getReadListener();
			this.watched = source;
			source.setReadListener((channel) -> readWhileHeld(connection, channel));
			source.resumeReads();
		}

		private void readWhileHeld(HttpServerConnection connection, ConduitStreamSourceChannel channel) {
			PooledByteBuffer pooled = connection.getByteBufferPool().allocate();
			boolean kept = false;
			try {
				int read = channel.read(pooled.getBuffer());
				if (read > 0) {
					// A pipelined request: Undertow reads it once this one is answered.
					pooled.getBuffer().flip();
					connection.setExtraBytes(pooled);
					kept = true;
					unwatch();
				}
				else if (read < 0) {
					hungUp(connection);
				}
			}
			catch (IOException ex) {
				hungUp(connection);
			}
			finally {
				if (!kept) {
					pooled.close();
				}
			}
		}

		private void hungUp(HttpServerConnection connection) {
			unwatch();
			if (leave(this)) {
				settle();
				IoUtils.safeClose(connection);
			}
		}

		private void expire() {
			this.timer = null;
			if (leave(this)) {
				settle();
				Connectors.executeRootHandler(WaitingRoom.this.timedOut, this.exchange);
			}
		}

		void release() {
			settle();
			if (this.exchange.getConnection().isOpen()) {
				Connectors.executeRootHandler(WaitingRoom.this.next, this.exchange);
			}
		}

		void refuse() {
			settle();
			if (this.exchange.getConnection().isOpen()) {
				Connectors.executeRootHandler(WaitingRoom.this.stopping, this.exchange);
			}
		}

		private void settle() {
			if (this.timer != null) {
				this.timer.remove();
				this.timer = null;
			}
			unwatch();
		}

		private void unwatch() {
			if (this.watched != null) {
				this.watched.suspendReads();
				this.watched.setReadListener(this.undertowListener);
				this.watched = null;
				this.undertowListener = null;
			}
		}

	}

}
