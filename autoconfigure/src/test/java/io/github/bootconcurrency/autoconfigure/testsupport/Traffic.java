package io.github.bootconcurrency.autoconfigure.testsupport;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A few clients in closed loops against a server on loopback, bounded in count and time,
 * that record every exchange: when it was sent and answered, its status, and which
 * process answered it (the {@code "pid"} of a JSON answer, if it has one). A failure is
 * recorded, never thrown in a client's thread, so that the test thread asserts on all of
 * them.
 */
public final class Traffic {

	private static final Pattern PID = Pattern.compile("\"pid\"\\s*:\\s*(\\d+)");

	private static final int MAX_EXCHANGES_PER_CLIENT = 100_000;

	/**
	 * One request and its outcome.
	 *
	 * @param sent when it was sent ({@link System#nanoTime()})
	 * @param done when its answer, or its failure, came
	 * @param status the status, or -1 if it failed
	 * @param pid the process that answered, or -1 if the answer does not say
	 * @param failure what went wrong, or {@code null}
	 */
	public record Exchange(long sent, long done, int status, long pid, String failure) {

		public boolean ok() {
			return this.status == 200;
		}

		@Override
		public String toString() {
			return (this.failure != null) ? this.failure : "status " + this.status + " from pid " + this.pid;
		}

	}

	/**
	 * How each request reaches the server.
	 */
	public enum Connections {

		/**
		 * A connection per request: under {@code shared-socket} the kernel hands each to
		 * any worker.
		 */
		NEW,

		/**
		 * The JDK client's pool of keep-alive connections.
		 */
		KEPT_ALIVE

	}

	private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

	private final List<Future<?>> clients = new ArrayList<>();

	private final List<Exchange> exchanges = new ArrayList<>();

	private volatile boolean stopped;

	private Traffic() {
	}

	/**
	 * Start the clients.
	 * @param port the server's port on 127.0.0.1
	 * @param path what they GET
	 * @param clients how many loops
	 * @param connections how requests reach the server
	 * @param maxDuration when the loops end if not stopped before
	 * @return the running traffic
	 */
	public static Traffic start(int port, String path, int clients, Connections connections, Duration maxDuration) {
		Traffic traffic = new Traffic();
		long deadline = System.nanoTime() + maxDuration.toNanos();
		for (int i = 0; i < clients; i++) {
			traffic.clients.add(traffic.executor.submit(() -> {
				for (int n = 0; n < MAX_EXCHANGES_PER_CLIENT && !traffic.stopped && System.nanoTime() < deadline; n++) {
					traffic.record(exchange(port, path, connections));
				}
			}));
		}
		return traffic;
	}

	private static Exchange exchange(int port, String path, Connections connections) {
		long sent = System.nanoTime();
		try {
			int status;
			String body;
			if (connections == Connections.NEW) {
				String response = Http.getOnNewConnection(port, path);
				status = response.startsWith("HTTP/1.1 ") ? Integer.parseInt(response.substring(9, 12)) : -1;
				body = response;
			}
			else {
				HttpResponse<String> response = Http.get(port, path);
				status = response.statusCode();
				body = response.body();
			}
			Matcher pid = PID.matcher(body);
			return new Exchange(sent, System.nanoTime(), status, pid.find() ? Long.parseLong(pid.group(1)) : -1,
					(status == 200) ? null : "status " + status);
		}
		catch (Exception ex) {
			return new Exchange(sent, System.nanoTime(), -1, -1, ex.toString());
		}
	}

	private synchronized void record(Exchange exchange) {
		this.exchanges.add(exchange);
		notifyAll();
	}

	/**
	 * Return how many requests were answered 200 so far.
	 * @return the count
	 */
	public synchronized int ok() {
		return (int) this.exchanges.stream().filter(Exchange::ok).count();
	}

	/**
	 * Wait until a number of requests were answered 200.
	 * @param count how many
	 * @param timeout how long to wait at most
	 */
	public synchronized void awaitOk(int count, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (ok() < count) {
			long left = deadline - System.nanoTime();
			assertThat(left).as("%d requests answered 200 within %s; so far %s", count, timeout, this.exchanges)
				.isPositive();
			wait(Math.max(1, left / 1_000_000));
		}
	}

	/**
	 * Stop the clients, wait (bounded) for their last requests, and return every
	 * exchange.
	 * @return the exchanges, in the order their answers came
	 */
	public List<Exchange> stop() throws Exception {
		this.stopped = true;
		for (Future<?> client : this.clients) {
			client.get(Http.TIMEOUT.plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
		}
		this.executor.shutdownNow();
		synchronized (this) {
			return List.copyOf(this.exchanges);
		}
	}

}
