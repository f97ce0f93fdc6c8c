package io.github.bootconcurrency.benchmark.load;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/**
 * Why a request got no HTTP status at all. Counted apart from statuses: a {@code 503} is
 * the server saying no, a refused or reset connection is the server (or its kernel) not
 * answering, and the article's point is precisely which of the two a model gives under
 * load.
 */
public enum SocketError {

	/** Nothing listened, or the kernel's accept queue was full and it answered RST. */
	CONNECT_REFUSED("connect refused"),

	/** No SYN-ACK within the connect timeout (SYNs dropped on a full backlog). */
	CONNECT_TIMEOUT("connect timeout"),

	/** No response within the read timeout once the request was sent. */
	READ_TIMEOUT("read timeout"),

	/** The connection was reset by the peer. */
	RESET("connection reset"),

	/** The peer closed the connection before a complete response. */
	CLOSED("closed before response"),

	/** Still in flight when the step's deadline passed; cancelled by the tool. */
	DEADLINE("unfinished at deadline"),

	/** Not sent by a constant-rate run: too many requests of the run were in flight. */
	NOT_SENT("not sent (client's in-flight cap)"),

	/** Any other I/O failure. */
	OTHER("other I/O error");

	private final String description;

	SocketError(String description) {
		this.description = description;
	}

	String description() {
		return this.description;
	}

	/**
	 * Classifies a failure of a {@link LoadClient}. {@code java.net.http} wraps the cause
	 * in its own exceptions, so the whole cause chain is looked at, most specific first.
	 */
	static SocketError of(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SocketTimeoutException) {
				boolean connecting = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("connect");
				return connecting ? CONNECT_TIMEOUT : READ_TIMEOUT;
			}
			if (cause instanceof HttpConnectTimeoutException) {
				return CONNECT_TIMEOUT;
			}
			if (cause instanceof HttpTimeoutException) {
				return READ_TIMEOUT;
			}
		}
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
			if (cause instanceof ConnectException) {
				return message.contains("timed out") ? CONNECT_TIMEOUT : CONNECT_REFUSED;
			}
			if (message.contains("reset")) {
				return RESET;
			}
			if (message.contains("refused")) {
				return CONNECT_REFUSED;
			}
			if (cause instanceof ClosedChannelException || message.contains("eof") || message.contains("closed")
					|| message.contains("header parser received no bytes")) {
				return CLOSED;
			}
		}
		return OTHER;
	}

}
