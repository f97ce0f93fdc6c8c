package io.github.bootconcurrency.autoconfigure.settings;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The process's open-file limit, and the connection limit that the platform model takes
 * from it when none is set.
 *
 * <p>
 * Under the platform model an idle keep-alive connection costs a descriptor and a few
 * kilobytes of buffers, not a thread, so a fixed connection limit (Tomcat's 8192) only
 * makes the next client wait in the backlog until another client's idle connection times
 * out. The limit that matters is the descriptor table: the default takes it, less a
 * reserve for the application's own files, pools and logs, so that a flood of connections
 * waits in the backlog rather than leave the application unable to open a file.
 */
public final class OpenFiles {

	/**
	 * Connection limit when the open-file limit is unknown (not a Unix JVM): Tomcat's own
	 * default.
	 */
	static final int UNKNOWN_LIMIT_MAX_CONNECTIONS = 8192;

	/**
	 * Fewest descriptors kept back from client connections.
	 */
	static final int MIN_RESERVE = 256;

	private OpenFiles() {
	}

	/**
	 * Return the open-file limit of this process. On Linux the JVM raises its soft limit
	 * to the hard one as it starts, so this is the limit its sockets really have.
	 * @return the limit, or a negative number if unknown
	 */
	public static long limit() {
		OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		return (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) ? unix.getMaxFileDescriptorCount()
				: -1;
	}

	/**
	 * Return the descriptors kept back from client connections under an open-file limit.
	 * @param limit the open-file limit
	 * @return an eighth of it, and at least {@value #MIN_RESERVE}
	 */
	static long reserve(long limit) {
		return Math.max(MIN_RESERVE, limit / 8);
	}

	/**
	 * Return the platform model's default connection limit under an open-file limit.
	 * @param limit the open-file limit, or a negative number if unknown
	 * @param maxThreads the pool's maximum size, the least the limit may be
	 * @param maxConnections the greatest the limit may be
	 * @return the limit
	 */
	static int platformMaxConnections(long limit, int maxThreads, int maxConnections) {
		if (limit <= 0) {
			return Math.max(maxThreads, UNKNOWN_LIMIT_MAX_CONNECTIONS);
		}
		return (int) Math.max(maxThreads, Math.min(maxConnections, limit - reserve(limit)));
	}

}
