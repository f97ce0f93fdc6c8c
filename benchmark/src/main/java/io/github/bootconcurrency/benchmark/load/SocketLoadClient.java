package io.github.bootconcurrency.benchmark.load;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * {@link LoadClient} on blocking sockets, meant for virtual threads: each GET writes one
 * request and parses the response's status line and headers, then skips its body
 * (Content-Length, chunked, or up to the close). Connections are kept alive in a pool,
 * last in first out, so a closed loop of C threads reuses C connections.
 * <p>
 * Why not {@code java.net.http}: on a 2-core machine the client shares the cores with the
 * server it measures. That client runs every exchange through its selector thread and a
 * chain of asynchronous stages, and costs several times the CPU per request of a blocking
 * read on a virtual thread; what it takes is missing from the server's figures.
 * <p>
 * A GET that fails on a pooled connection before a byte of its response came back is sent
 * again once on a new connection, as browsers and {@code java.net.http} do: the server
 * may have closed the idle connection just as it was reused.
 */
final class SocketLoadClient implements LoadClient {

	private static final int MAX_LINE = 8192;

	private final InetSocketAddress address;

	private final byte[] request;

	private final int connectTimeoutMillis;

	private final int readTimeoutMillis;

	private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();

	private final Set<Connection> open = ConcurrentHashMap.newKeySet();

	SocketLoadClient(URI uri, Duration connectTimeout, Duration readTimeout) {
		int port = (uri.getPort() != -1) ? uri.getPort() : 80;
		this.address = new InetSocketAddress(uri.getHost(), port);
		String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/" : uri.getRawPath();
		if (uri.getRawQuery() != null) {
			target += "?" + uri.getRawQuery();
		}
		String host = (uri.getPort() != -1) ? uri.getHost() + ":" + port : uri.getHost();
		this.request = ("GET " + target + " HTTP/1.1\r\nHost: " + host
				+ "\r\nUser-Agent: bootconcurrency-loadtool\r\nAccept: */*\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
		this.connectTimeoutMillis = millis(connectTimeout);
		this.readTimeoutMillis = millis(readTimeout);
	}

	private static int millis(Duration duration) {
		return (int) Math.clamp(duration.toMillis(), 1, Integer.MAX_VALUE);
	}

	@Override
	public int get() throws IOException, InterruptedException {
		Connection pooled = this.idle.pollFirst();
		if (pooled != null) {
			try {
				return exchange(pooled);
			}
			catch (IOException ex) {
				if (pooled.responseStarted || Thread.currentThread().isInterrupted()) {
					throw interruptedOr(ex);
				}
				// Closed by the server while idle: the request never reached it.
			}
		}
		try {
			return exchange(connect());
		}
		catch (IOException ex) {
			throw interruptedOr(ex);
		}
	}

	private static IOException interruptedOr(IOException ex) throws InterruptedException {
		// A virtual thread blocked on a socket is woken by its interruption closing it.
		if (Thread.currentThread().isInterrupted()) {
			InterruptedException interrupted = new InterruptedException("interrupted during the request");
			interrupted.initCause(ex);
			throw interrupted;
		}
		return ex;
	}

	private Connection connect() throws IOException {
		Socket socket = new Socket();
		Connection connection = new Connection(socket);
		this.open.add(connection);
		try {
			socket.setTcpNoDelay(true);
			socket.connect(this.address, this.connectTimeoutMillis);
			socket.setSoTimeout(this.readTimeoutMillis);
			connection.streams();
			return connection;
		}
		catch (IOException ex) {
			close(connection);
			throw ex;
		}
	}

	private int exchange(Connection connection) throws IOException {
		connection.responseStarted = false;
		try {
			connection.out.write(this.request);
			connection.out.flush();
			int status;
			Response response;
			do {
				response = connection.readHead();
				status = response.status;
			}
			while (status >= 100 && status < 200 && status != 101);
			boolean reusable = connection.skipBody(response, status);
			if (reusable) {
				this.idle.offerFirst(connection);
			}
			else {
				close(connection);
			}
			return status;
		}
		catch (IOException | RuntimeException ex) {
			close(connection);
			throw ex;
		}
	}

	private void close(Connection connection) {
		this.open.remove(connection);
		try {
			connection.socket.close();
		}
		catch (IOException ex) {
			// Nothing to free beyond the descriptor, which close released or never had.
		}
	}

	@Override
	public void close() {
		this.idle.clear();
		for (Connection connection : this.open) {
			close(connection);
		}
	}

	/** What a response's head says about its body. */
	private record Response(int status, long contentLength, boolean chunked, boolean close) {
	}

	/**
	 * One socket and its read buffer. Used by one thread at a time: the pool hands it to
	 * the next thread only after the last exchange on it is complete.
	 */
	private static final class Connection {

		private final Socket socket;

		private InputStream in;

		private OutputStream out;

		private final byte[] buffer = new byte[8192];

		private int position;

		private int limit;

		private boolean responseStarted;

		Connection(Socket socket) {
			this.socket = socket;
		}

		void streams() throws IOException {
			this.in = this.socket.getInputStream();
			this.out = this.socket.getOutputStream();
		}

		Response readHead() throws IOException {
			String statusLine = readLine();
			// "HTTP/1.1 200 OK": the version, a space, three digits.
			if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
				throw new ProtocolException("not an HTTP/1.x status line: " + statusLine);
			}
			int status;
			try {
				status = Integer.parseInt(statusLine, 9, 12, 10);
			}
			catch (NumberFormatException ex) {
				throw new ProtocolException("bad status in: " + statusLine);
			}
			boolean close = statusLine.startsWith("HTTP/1.0");
			long contentLength = -1;
			boolean chunked = false;
			for (String line = readLine(); !line.isEmpty(); line = readLine()) {
				int colon = line.indexOf(':');
				if (colon <= 0) {
					continue;
				}
				String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
				String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
				switch (name) {
					case "content-length" -> contentLength = parseLength(value);
					case "transfer-encoding" -> chunked = value.endsWith("chunked");
					case "connection" -> close = value.contains("close") || (close && !value.contains("keep-alive"));
					default -> {
					}
				}
			}
			return new Response(status, contentLength, chunked, close);
		}

		private static long parseLength(String value) throws ProtocolException {
			try {
				long length = Long.parseLong(value);
				if (length < 0) {
					throw new ProtocolException("negative Content-Length: " + value);
				}
				return length;
			}
			catch (NumberFormatException ex) {
				throw new ProtocolException("bad Content-Length: " + value);
			}
		}

		/**
		 * @return whether the connection can carry another request
		 */
		boolean skipBody(Response response, int status) throws IOException {
			if (status == 204 || status == 304) {
				return !response.close;
			}
			if (response.chunked) {
				for (long size = chunkSize(readLine()); size > 0; size = chunkSize(readLine())) {
					skip(size);
					readLine();
				}
				// Trailers, up to the empty line.
				while (!readLine().isEmpty()) {
					// Skipped.
				}
				return !response.close;
			}
			if (response.contentLength >= 0) {
				skip(response.contentLength);
				return !response.close;
			}
			// No length: the body runs until the server closes.
			while (fill() > 0) {
				this.position = this.limit;
			}
			return false;
		}

		private static long chunkSize(String line) throws ProtocolException {
			int end = line.indexOf(';');
			String hex = ((end >= 0) ? line.substring(0, end) : line).trim();
			try {
				return Long.parseLong(hex, 16);
			}
			catch (NumberFormatException ex) {
				throw new ProtocolException("bad chunk size: " + line);
			}
		}

		private void skip(long count) throws IOException {
			long left = count;
			while (left > 0) {
				if (this.position == this.limit && fill() < 0) {
					throw new EOFException("closed by the server " + left + " bytes before the end of the body");
				}
				int step = (int) Math.min(left, this.limit - this.position);
				this.position += step;
				left -= step;
			}
		}

		private String readLine() throws IOException {
			StringBuilder line = new StringBuilder(64);
			while (true) {
				if (this.position == this.limit && fill() < 0) {
					throw new EOFException(this.responseStarted ? "closed by the server in the middle of a response"
							: "closed by the server before a response");
				}
				byte b = this.buffer[this.position++];
				if (b == '\n') {
					int length = line.length();
					if (length > 0 && line.charAt(length - 1) == '\r') {
						line.setLength(length - 1);
					}
					return line.toString();
				}
				if (line.length() == MAX_LINE) {
					throw new ProtocolException("response line longer than " + MAX_LINE + " bytes");
				}
				line.append((char) (b & 0xff));
			}
		}

		private int fill() throws IOException {
			int read = this.in.read(this.buffer);
			if (read > 0) {
				this.position = 0;
				this.limit = read;
				this.responseStarted = true;
			}
			return read;
		}

	}

}
