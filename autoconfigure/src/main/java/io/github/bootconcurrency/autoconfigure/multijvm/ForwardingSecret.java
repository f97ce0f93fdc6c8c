package io.github.bootconcurrency.autoconfigure.multijvm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

/**
 * The secret with which a master's proxy proves to its workers that it set a request's
 * forwarding headers: a worker's port is on loopback, but any local process can connect
 * to it, and its number shows in the cluster view. The proxy adds the secret in
 * {@link #HEADER}; a worker honours forwarding headers only from a request that carries
 * it, and drops the header before the application sees the request.
 *
 * <p>
 * One random secret per master, handed to each worker with its other private settings
 * ({@link WorkerEnvironment}): never on a command line, in a log or in an error.
 */
public final class ForwardingSecret {

	/**
	 * The request header that carries the secret from the proxy to a worker.
	 */
	public static final String HEADER = "X-Concurrency-Master-Secret";

	private static final SecureRandom RANDOM = new SecureRandom();

	private final String value;

	private final byte[] bytes;

	private ForwardingSecret(String value) {
		this.value = value;
		this.bytes = value.getBytes(StandardCharsets.ISO_8859_1);
	}

	/**
	 * Return a new random secret.
	 * @return the secret
	 */
	public static ForwardingSecret generate() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return new ForwardingSecret(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
	}

	/**
	 * Return the secret a worker was given.
	 * @param value the value, or {@code null} if none was given
	 * @return the secret, or {@code null} if none was given
	 */
	public static @Nullable ForwardingSecret of(@Nullable String value) {
		return (value != null && !value.isEmpty()) ? new ForwardingSecret(value) : null;
	}

	/**
	 * Whether a header's value is this secret, compared in constant time so that a local
	 * process cannot guess it a byte at a time.
	 * @param presented the value, or {@code null} if the request has none
	 * @return whether it is
	 */
	public boolean matches(@Nullable String presented) {
		return presented != null && MessageDigest.isEqual(this.bytes, presented.getBytes(StandardCharsets.ISO_8859_1));
	}

	/**
	 * Return the secret's value, to be sent to a worker.
	 * @return the value
	 */
	public String value() {
		return this.value;
	}

	@Override
	public String toString() {
		// The value stays out of logs and error messages.
		return "ForwardingSecret[hidden]";
	}

}
