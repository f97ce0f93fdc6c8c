package io.github.bootconcurrency.benchmark.load;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * What sends the load tool's GETs. Two implementations, chosen with {@code --client}:
 * <ul>
 * <li>{@link Kind#SOCKET} (the default): a blocking HTTP/1.1 client on plain sockets,
 * about as lean as a client can be, so that on a small machine the client takes as little
 * CPU as possible from the server it measures;</li>
 * <li>{@link Kind#JDK}: {@code java.net.http.HttpClient}, the client most Java users
 * would reach for, kept to show how much the client alone changes the figures.</li>
 * </ul>
 * Both open one connection per request in flight and keep it for the next request, so an
 * at-once run of N requests opens N connections, and a closed loop of C connections keeps
 * C open.
 */
public interface LoadClient extends AutoCloseable {

	/**
	 * Sends one GET and reads the whole response.
	 * @return the response's status
	 * @throws IOException when no status was received (see {@link SocketError#of})
	 * @throws InterruptedException when the calling thread was interrupted
	 */
	int get() throws IOException, InterruptedException;

	@Override
	void close();

	/**
	 * The implementations.
	 */
	enum Kind {

		/** {@link SocketLoadClient}. */
		SOCKET,

		/** {@link JdkLoadClient}. */
		JDK;

		LoadClient open(URI uri, Duration connectTimeout, Duration readTimeout) {
			return switch (this) {
				case SOCKET -> new SocketLoadClient(uri, connectTimeout, readTimeout);
				case JDK -> new JdkLoadClient(uri, connectTimeout, readTimeout);
			};
		}

		public String id() {
			return name().toLowerCase(Locale.ROOT);
		}

		public static Kind of(String id) {
			for (Kind kind : values()) {
				if (kind.id().equals(id)) {
					return kind;
				}
			}
			throw new IllegalArgumentException("--client must be socket or jdk, was '" + id + "'");
		}

	}

}
