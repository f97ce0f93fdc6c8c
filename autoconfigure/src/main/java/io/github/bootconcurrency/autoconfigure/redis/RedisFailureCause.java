package io.github.bootconcurrency.autoconfigure.redis;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

/**
 * Why a Redis check failed, told apart from the exception chain, with the settings a user
 * would change for each.
 */
public enum RedisFailureCause {

	/**
	 * Nothing accepts connections at the address.
	 */
	CONNECTION_REFUSED("connection refused: nothing accepts connections there"),

	/**
	 * The host name does not resolve.
	 */
	UNKNOWN_HOST("unknown host: the host name does not resolve"),

	/**
	 * No answer in time.
	 */
	TIMEOUT("timeout: no answer in time"),

	/**
	 * The server refused the username or password, or wanted one and got none.
	 */
	AUTHENTICATION_FAILED("authentication failed: the server refused the username or password, or required one"),

	/**
	 * The server has no database with that index.
	 */
	WRONG_DATABASE("wrong database index: the server has no database with that index"),

	/**
	 * The TLS handshake failed.
	 */
	TLS_FAILURE("TLS failure: the TLS handshake failed (is TLS enabled on one side only?)"),

	/**
	 * Anything else.
	 */
	OTHER("unexpected error");

	private final String description;

	RedisFailureCause(String description) {
		this.description = description;
	}

	/**
	 * Return what the cause means, for a person.
	 * @return the description
	 */
	public String description() {
		return this.description;
	}

	/**
	 * Tell the cause of a failed attempt from its exception chain.
	 * @param failure the failure
	 * @return the cause
	 */
	public static RedisFailureCause classify(@Nullable Throwable failure) {
		List<Throwable> chain = chain(failure);
		// Authentication and database errors arrive wrapped in connection errors: look at
		// the whole chain for the server's reply before looking at the transport.
		for (Throwable cause : chain) {
			String message = String.valueOf(cause.getMessage()).toUpperCase(Locale.ROOT);
			if (message.contains("WRONGPASS") || message.contains("NOAUTH") || message.contains("INVALID PASSWORD")
					|| message.contains("AUTH FAILED") || message.contains("AUTHENTICATION REQUIRED")) {
				return AUTHENTICATION_FAILED;
			}
			if (message.contains("DB INDEX IS OUT OF RANGE") || message.contains("INVALID DB INDEX")) {
				return WRONG_DATABASE;
			}
		}
		for (Throwable cause : chain) {
			String name = cause.getClass().getName();
			if (cause instanceof SSLException || name.endsWith("NotSslRecordException")) {
				return TLS_FAILURE;
			}
			if (cause instanceof UnknownHostException || name.endsWith("UnknownHostException")) {
				return UNKNOWN_HOST;
			}
			if (cause instanceof ConnectException && String.valueOf(cause.getMessage()).contains("refused")) {
				return CONNECTION_REFUSED;
			}
			if (cause instanceof TimeoutException || name.endsWith("TimeoutException")) {
				return TIMEOUT;
			}
		}
		return OTHER;
	}

	/**
	 * The causes and the suppressed exceptions, breadth first: a cluster client reports
	 * each seed node's failure as a suppressed exception of one summary error.
	 */
	private static List<Throwable> chain(@Nullable Throwable failure) {
		List<Throwable> chain = new ArrayList<>();
		Deque<Throwable> queue = new ArrayDeque<>();
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		if (failure != null) {
			queue.add(failure);
		}
		while (!queue.isEmpty() && chain.size() < 64) {
			Throwable next = queue.poll();
			if (seen.add(next)) {
				chain.add(next);
				if (next.getCause() != null) {
					queue.add(next.getCause());
				}
				queue.addAll(List.of(next.getSuppressed()));
			}
		}
		return chain;
	}

}
