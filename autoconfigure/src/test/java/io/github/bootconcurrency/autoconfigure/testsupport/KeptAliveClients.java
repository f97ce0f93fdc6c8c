package io.github.bootconcurrency.autoconfigure.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Clients on persistent HTTP/1.1 connections that never retry, as wrk, most non-Java
 * clients and every POST behave: each sends its requests back to back on one connection,
 * opens a new one only after an answer with {@code Connection: close}, and counts a
 * request that gets no complete answer (end of stream, reset, timeout) as lost, where the
 * JDK's client would quietly send a GET again on a new connection. Bounded in count and
 * time; failures are recorded, never thrown in a client's thread.
 */
public final class KeptAliveClients {

	private static final Pattern PID = Pattern.compile("\"pid\"\\s*:\\s*(\\d+)");

	private static final int MAX_EXCHANGES_PER_CLIENT = 1_000_000;

	private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

	private final List<Future<?>> clients = new ArrayList<>();

	private final List<Traffic.Exchange> exchanges = new ArrayList<>();

	private int connections;

	private volatile boolean stopped;

	private KeptAliveClients() {
	}

	/**
	 * Start the clients.
	 * @param port the server's port on 127.0.0.1
	 * @param path what they GET
	 * @param clients how many connections at once
	 * @param maxDuration when they end if not stopped before
	 * @return the running clients
	 */
	public static KeptAliveClients start(int port, String path, int clients, Duration maxDuration) {
		KeptAliveClients traffic = new KeptAliveClients();
		long deadline = System.nanoTime() + maxDuration.toNanos();
		for (int i = 0; i < clients; i++) {
			traffic.clients.add(traffic.executor.submit(() -> traffic.loop(port, path, deadline)));
		}
		return traffic;
	}

	private void loop(int port, String path, long deadline) {
		byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
		Socket socket = null;
		InputStream in = null;
		try {
			for (int n = 0; n < MAX_EXCHANGES_PER_CLIENT && !this.stopped && System.nanoTime() < deadline; n++) {
				long sent = System.nanoTime();
				boolean fresh = socket == null;
				try {
					if (socket == null) {
						socket = new Socket();
						socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
						socket.setSoTimeout((int) Http.TIMEOUT.toMillis());
						in = new BufferedInputStream(socket.getInputStream());
						connected();
					}
					OutputStream out = socket.getOutputStream();
					out.write(request);
					out.flush();
					Response response = Response.read(in);
					Matcher pid = PID.matcher(response.body);
					record(new Traffic.Exchange(sent, System.nanoTime(), response.status,
							pid.find() ? Long.parseLong(pid.group(1)) : -1,
							(response.status == 200) ? null : "status " + response.status));
					if (response.close) {
						close(socket);
						socket = null;
					}
				}
				catch (IOException ex) {
					record(new Traffic.Exchange(sent, System.nanoTime(), -1, -1,
							ex + (fresh ? " on a new connection" : " on a kept-alive connection")));
					close(socket);
					socket = null;
				}
			}
		}
		finally {
			close(socket);
		}
	}

	private static void close(Socket socket) {
		if (socket != null) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// Closed already.
			}
		}
	}

	private synchronized void connected() {
		this.connections++;
	}

	private synchronized void record(Traffic.Exchange exchange) {
		this.exchanges.add(exchange);
		notifyAll();
	}

	/**
	 * Return how many requests were answered 200 so far.
	 * @return the count
	 */
	public synchronized int ok() {
		return (int) this.exchanges.stream().filter(Traffic.Exchange::ok).count();
	}

	/**
	 * Return how many connections the clients opened so far.
	 * @return the count
	 */
	public synchronized int connections() {
		return this.connections;
	}

	/**
	 * Wait until a number of requests were answered 200.
	 * @param count how many
	 * @param timeout how long to wait at most
	 * @throws AssertionError if they were not within the timeout
	 */
	public synchronized void awaitOk(int count, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (ok() < count) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				throw new AssertionError(count + " requests answered 200 within " + timeout + "; so far " + ok());
			}
			wait(Math.max(1, left / 1_000_000));
		}
	}

	/**
	 * Stop the clients, wait (bounded) for their last requests, and return every
	 * exchange.
	 * @return the exchanges, in the order their answers came
	 */
	public List<Traffic.Exchange> stop() throws Exception {
		this.stopped = true;
		for (Future<?> client : this.clients) {
			client.get(Http.TIMEOUT.plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
		}
		this.executor.shutdownNow();
		synchronized (this) {
			return List.copyOf(this.exchanges);
		}
	}

	/**
	 * One response, read to its end: by its {@code Content-Length}, its chunks, or the
	 * end of the stream when it says {@code Connection: close} with neither.
	 */
	private record Response(int status, boolean close, String body) {

		static Response read(InputStream in) throws IOException {
			String statusLine = line(in);
			if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
				throw new IOException("Not a status line: '" + statusLine + "'");
			}
			int status = Integer.parseInt(statusLine.substring(9, 12));
			long length = -1;
			boolean chunked = false;
			boolean close = false;
			for (String header = line(in); !header.isEmpty(); header = line(in)) {
				String lower = header.toLowerCase(Locale.ROOT);
				if (lower.startsWith("content-length:")) {
					length = Long.parseLong(lower.substring(15).trim());
				}
				else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
					chunked = true;
				}
				else if (lower.startsWith("connection:") && lower.contains("close")) {
					close = true;
				}
			}
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			if (chunked) {
				for (long size = Long.parseLong(line(in).split(";")[0].trim(), 16); size > 0; size = Long
					.parseLong(line(in).split(";")[0].trim(), 16)) {
					body.write(exactly(in, size));
					line(in);
				}
				for (String trailer = line(in); !trailer.isEmpty(); trailer = line(in)) {
					// Trailers: none expected.
				}
			}
			else if (length >= 0) {
				body.write(exactly(in, length));
			}
			else if (close) {
				body.write(in.readAllBytes());
			}
			return new Response(status, close, body.toString(StandardCharsets.UTF_8));
		}

		private static byte[] exactly(InputStream in, long length) throws IOException {
			byte[] bytes = in.readNBytes((int) length);
			if (bytes.length < length) {
				throw new IOException("End of stream after " + bytes.length + " of " + length + " bytes of a body");
			}
			return bytes;
		}

		private static String line(InputStream in) throws IOException {
			StringBuilder line = new StringBuilder();
			for (int b = in.read(); b != '\n'; b = in.read()) {
				if (b < 0) {
					throw new IOException("End of stream" + (line.isEmpty() ? "" : " in '" + line + "'"));
				}
				if (b != '\r') {
					line.append((char) b);
				}
			}
			return line.toString();
		}

	}

}
