package io.github.bootconcurrency.autoconfigure.multijvm.worker.socket;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
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
 *
 * <p>
 * It also takes the listening socket off fd 0 once the JDK has its own copy: a child
 * process started with its standard input inherited gets the parent's fd 0, and would
 * keep the port open after the master and its workers are gone.
 */
final class NativeStandardStreams {

	private static final Linker LINKER = Linker.nativeLinker();

	private static final SymbolLookup LIBC = LINKER.defaultLookup();

	private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

	private static final boolean MAC = System.getProperty("os.name", "").toLowerCase().startsWith("mac");

	// Linux's values; macOS's (untested here) follow BSD.
	private static final int SOL_SOCKET = MAC ? 0xffff : 1;

	private static final int SO_ACCEPTCONN = MAC ? 0x2 : 30;

	private static final int O_RDWR = 2;

	private NativeStandardStreams() {
	}

	/**
	 * Put {@code /dev/null} on fd 0 if, and only if, fd 0 is a listening socket bound to
	 * the given port: the socket the master handed down, of which the JDK's inherited
	 * channel holds a copy of its own ({@code System.inheritedChannel()} works on a
	 * {@code dup} of fd 0), so the server keeps accepting.
	 * @param port the port of the inherited channel
	 * @return whether fd 0 was that socket and was replaced
	 * @throws Throwable if a call fails
	 */
	static boolean detachStandardInput(int port) throws Throwable {
		MethodHandle getsockopt = LINKER.downcallHandle(LIBC.find("getsockopt").orElseThrow(),
				FunctionDescriptor.of(INT, INT, INT, INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
		MethodHandle getsockname = LINKER.downcallHandle(LIBC.find("getsockname").orElseThrow(),
				FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
		MethodHandle open = LINKER.downcallHandle(LIBC.find("open").orElseThrow(),
				FunctionDescriptor.of(INT, ValueLayout.ADDRESS, INT), Linker.Option.firstVariadicArg(2));
		MethodHandle dup2 = LINKER.downcallHandle(LIBC.find("dup2").orElseThrow(),
				FunctionDescriptor.of(INT, INT, INT));
		MethodHandle close = LINKER.downcallHandle(LIBC.find("close").orElseThrow(), FunctionDescriptor.of(INT, INT));
		try (Arena arena = Arena.ofConfined()) {
			// Is fd 0 a socket in the listening state? Anything else (a file, a pipe, a
			// terminal, a connected socket) is left alone.
			MemorySegment value = arena.allocate(INT);
			MemorySegment length = arena.allocate(INT);
			length.set(INT, 0, (int) INT.byteSize());
			if ((int) getsockopt.invokeExact(0, SOL_SOCKET, SO_ACCEPTCONN, value, length) != 0
					|| value.get(INT, 0) != 1) {
				return false;
			}
			// And bound to the inherited channel's port? (sockaddr_in and sockaddr_in6
			// both have the port at offset 2, in network byte order.)
			MemorySegment address = arena.allocate(128);
			length.set(INT, 0, 128);
			if ((int) getsockname.invokeExact(0, address, length) != 0) {
				return false;
			}
			int bound = ((address.get(ValueLayout.JAVA_BYTE, 2) & 0xff) << 8)
					| (address.get(ValueLayout.JAVA_BYTE, 3) & 0xff);
			if (bound != port) {
				return false;
			}
			int devNull = (int) open.invokeExact(arena.allocateFrom("/dev/null"), O_RDWR);
			if (devNull < 0) {
				return false;
			}
			try {
				return (int) dup2.invokeExact(devNull, 0) == 0;
			}
			finally {
				int ignored = (int) close.invokeExact(devNull);
			}
		}
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
