package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.Channel;

/**
 * Keeps a process's standard output and error across the close of the channel it
 * inherited on fd 0, through the FFM API (final in Java 22, so this class is compiled for
 * 22 and loaded only on such a JVM, as is the shared-socket balancer it serves).
 *
 * <p>
 * The JDK's inherited channel was made for inetd, where fds 0, 1 and 2 are all the
 * client's socket: closing it puts {@code /dev/null} on all three. A shared-socket worker
 * only has the listening socket on fd 0, and its output on 1 and 2 goes to the master's
 * log: so copies of 1 and 2 are taken before the close and put back after it.
 */
final class NativeStandardStreams {

	private static final Linker LINKER = Linker.nativeLinker();

	private static final SymbolLookup LIBC = LINKER.defaultLookup();

	private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

	private NativeStandardStreams() {
	}

	/**
	 * Close a channel, which may replace fds 1 and 2, and put them back afterwards.
	 * @param channel the channel to close
	 * @throws Throwable if a call fails, or the close does
	 */
	static void closeKeepingOutput(Channel channel) throws Throwable {
		MethodHandle dup = LINKER.downcallHandle(LIBC.find("dup").orElseThrow(), FunctionDescriptor.of(INT, INT));
		MethodHandle dup2 = LINKER.downcallHandle(LIBC.find("dup2").orElseThrow(),
				FunctionDescriptor.of(INT, INT, INT));
		MethodHandle close = LINKER.downcallHandle(LIBC.find("close").orElseThrow(), FunctionDescriptor.of(INT, INT));
		int out = (int) dup.invokeExact(1);
		int err = (int) dup.invokeExact(2);
		try {
			channel.close();
		}
		finally {
			if (out >= 0) {
				int ignored = (int) dup2.invokeExact(out, 1);
				ignored = (int) close.invokeExact(out);
			}
			if (err >= 0) {
				int ignored = (int) dup2.invokeExact(err, 2);
				ignored = (int) close.invokeExact(err);
			}
		}
	}

}
