package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The listening socket of the {@code shared-socket} balancer: bound by the master, put on
 * its standard input, and inherited by every worker, which accepts on it through
 * {@link System#inheritedChannel()}.
 *
 * <p>
 * Binding goes through {@code java.lang.foreign}, final in Java 22, while the starter
 * runs on Java 21: the native half is compiled for 22 on its own and looked up by name
 * only once this JVM is known to have it.
 */
public final class SharedSocket {

	static final String NATIVE = "io.github.bootconcurrency.autoconfigure.multijvm.master.balancer.NativeListeningSocket";

	private static final int EADDRINUSE = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("mac")
			? 48 : 98;

	private SharedSocket() {
	}

	/**
	 * Return why this JVM or OS cannot share a listening socket with its workers.
	 * @return the reason, or empty if it can
	 */
	public static Optional<String> unsupportedReason() {
		if (Runtime.version().feature() < 22) {
			return Optional.of("it needs Java 22 or later (java.lang.foreign), and this JVM is " + Runtime.version());
		}
		String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
		if (!os.startsWith("linux") && !os.startsWith("mac")) {
			return Optional.of("it works on Linux and macOS only, and this OS is " + System.getProperty("os.name"));
		}
		return Optional.empty();
	}

	/**
	 * Bind a listening TCP socket and put it on this process's fd 0, in place of its
	 * standard input.
	 * @param host the address to bind, an IPv4 address or a name that resolves to one
	 * @param port the port
	 * @param backlog the listen backlog
	 * @return the port it listens on: the one the kernel chose if {@code port} is 0
	 * @throws IllegalStateException if the socket cannot be bound, saying why
	 */
	static int bindOntoStandardInput(String host, int port, int backlog) {
		String where = host + ":" + port;
		Optional<String> unsupported = unsupportedReason();
		if (unsupported.isPresent()) {
			throw new IllegalStateException("Cannot use the shared-socket balancer: " + unsupported.get()
					+ ". Use concurrency.multi-jvm.balancer=proxy.");
		}
		Inet4Address address = ipv4(host, where);
		try {
			Method bind = Class.forName(NATIVE)
				.getDeclaredMethod("bindOntoStandardInput", Inet4Address.class, int.class, int.class);
			return (int) bind.invoke(null, address, port, backlog);
		}
		catch (InvocationTargetException ex) {
			throw failure(where, ex.getCause());
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			throw failure(where, ex);
		}
	}

	private static Inet4Address ipv4(String host, String where) {
		try {
			for (InetAddress candidate : InetAddress.getAllByName(host)) {
				if (candidate instanceof Inet4Address ipv4) {
					return ipv4;
				}
			}
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(
					"Cannot listen on " + where + ": unknown host '" + host + "'. Change server.address.", ex);
		}
		throw new IllegalStateException("Cannot listen on " + where + ": the shared-socket balancer binds IPv4 "
				+ "addresses only. Change server.address to an IPv4 address, or use "
				+ "concurrency.multi-jvm.balancer=proxy.");
	}

	private static IllegalStateException failure(String where, @Nullable Throwable cause) {
		if (cause instanceof NativeCallException call) {
			return new IllegalStateException(
					"Cannot listen on " + where + " for the shared-socket balancer: " + call.getMessage() + ". "
							+ ((call.errno == EADDRINUSE)
									? "Another process listens on it: " + "stop it or change server.port."
									: "Use concurrency.multi-jvm.balancer=proxy."),
					cause);
		}
		if (cause instanceof IllegalCallerException) {
			return new IllegalStateException("Cannot listen on " + where + " for the shared-socket balancer: this "
					+ "JVM denies native access. Run java with --enable-native-access=ALL-UNNAMED (or add "
					+ "'Enable-Native-Access: ALL-UNNAMED' to the jar's manifest), or use "
					+ "concurrency.multi-jvm.balancer=proxy.", cause);
		}
		return new IllegalStateException("Cannot listen on " + where + " for the shared-socket balancer: " + cause
				+ ". Use concurrency.multi-jvm.balancer=proxy.", cause);
	}

	/**
	 * A libc call that failed, with its errno.
	 */
	static final class NativeCallException extends RuntimeException {

		private final int errno;

		NativeCallException(String call, int errno, String description) {
			super(call + " failed: " + description + " (errno " + errno + ")");
			this.errno = errno;
		}

	}

}
