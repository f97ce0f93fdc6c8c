package io.github.bootconcurrency.autoconfigure.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for a program that cannot listen on a port the kernel chooses (such as Redis,
 * whose {@code --port 0} means no TCP at all): below the kernel's ephemeral range, where
 * no outgoing connection and no {@code bind(0)} takes one, so that a port stays free from
 * the moment it is chosen, and again once its program has stopped (for a test that
 * expects a refused connection there).
 *
 * <p>
 * Another program may still listen on it (a build beside this one): whoever starts the
 * program must look for its bind failure and start it again on another port.
 */
public final class FixedPorts {

	/**
	 * Ports from here up: above the well-known ports and most services a developer runs
	 * (Redis's own 6379 and its cluster bus port 16379 among them).
	 */
	static final int LOWEST = 17_000;

	private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

	private FixedPorts() {
	}

	/**
	 * Return a port to try, at random, so that builds that run side by side rarely try
	 * the same one.
	 * @param above how many ports above it the program listens on too (a Redis cluster
	 * node's bus port is its port + 10000), all below the ephemeral range as well
	 * @return the port
	 * @throws IllegalStateException if the ephemeral range leaves too little room
	 */
	public static int candidate(int above) {
		int end = ephemeralLow() - above;
		if (end - LOWEST < 1000) {
			throw new IllegalStateException(
					"The kernel's ephemeral ports start at " + ephemeralLow() + " (" + EPHEMERAL_RANGE
							+ "): too low for ports from " + LOWEST + " below them with " + above + " more above each");
		}
		return ThreadLocalRandom.current().nextInt(LOWEST, end);
	}

	/**
	 * Return the lowest port the kernel may give an outgoing connection or a
	 * {@code bind(0)}.
	 * @return the port
	 */
	public static int ephemeralLow() {
		try {
			// Read by lines, one buffer at once: the JDK's Files.readString reads a
			// sysctl
			// file of size 0 in steps, and the kernel answers a read at an offset with
			// its end, which leaves "3" of "32768".
			return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
		}
		catch (IOException | RuntimeException ex) {
			// Linux's default.
			return 32768;
		}
	}

}
