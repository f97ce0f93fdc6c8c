package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;

/**
 * The libc calls behind {@link SharedSocket}, through the FFM API (final in Java 22, so
 * this class is compiled for 22 and loaded only on such a JVM).
 *
 * <p>
 * The JDK offers no way to hand a descriptor to a child process, and closes every
 * descriptor above 2 in the child; but a child started with its standard input
 * inherited gets the parent's fd 0. So the socket is created, bound and put in the
 * listening state here, then moved onto fd 0 with {@code dup2}.
 */
final class NativeListeningSocket {

	private static final int AF_INET = 2;

	private static final int SOCK_STREAM = 1;

	private static final boolean MAC = System.getProperty("os.name", "").toLowerCase().startsWith("mac");

	// Linux's values; macOS's (untested here) follow BSD.
	private static final int SOL_SOCKET = MAC ? 0xffff : 1;

	private static final int SO_REUSEADDR = MAC ? 0x4 : 2;

	private static final Linker LINKER = Linker.nativeLinker();

	private static final SymbolLookup LIBC = LINKER.defaultLookup();

	private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();

	private static final VarHandle ERRNO = CALL_STATE.varHandle(PathElement.groupElement("errno"));

	private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

	private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

	private NativeListeningSocket() {
	}

	/**
	 * Bind a listening socket and put it on this process's fd 0.
	 * @param address the IPv4 address to bind
	 * @param port the port
	 * @param backlog the listen backlog
	 * @return the port it listens on, which the kernel chose if {@code port} is 0
	 * @throws SharedSocket.NativeCallException if a call fails
	 */
	static int bindOntoStandardInput(Inet4Address address, int port, int backlog) throws Throwable {
		MethodHandle socket = function("socket", FunctionDescriptor.of(INT, INT, INT, INT));
		MethodHandle setsockopt = function("setsockopt",
				FunctionDescriptor.of(INT, INT, INT, INT, ValueLayout.ADDRESS, INT));
		MethodHandle bind = function("bind", FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS, INT));
		MethodHandle listen = function("listen", FunctionDescriptor.of(INT, INT, INT));
		MethodHandle getsockname = function("getsockname",
				FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
		MethodHandle dup2 = function("dup2", FunctionDescriptor.of(INT, INT, INT));
		MethodHandle close = function("close", FunctionDescriptor.of(INT, INT));
		MethodHandle strerror = LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(),
				FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE)), INT));
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = arena.allocate(CALL_STATE);
			int fd = (int) socket.invokeExact(state, AF_INET, SOCK_STREAM, 0);
			check("socket", fd, state, strerror);
			try {
				MemorySegment one = arena.allocate(INT);
				one.set(INT, 0, 1);
				check("setsockopt(SO_REUSEADDR)",
						(int) setsockopt.invokeExact(state, fd, SOL_SOCKET, SO_REUSEADDR, one, (int) INT.byteSize()),
						state, strerror);
				MemorySegment sockaddr = sockaddrIn(arena, address, port);
				check("bind", (int) bind.invokeExact(state, fd, sockaddr, (int) sockaddr.byteSize()), state, strerror);
				check("listen", (int) listen.invokeExact(state, fd, backlog), state, strerror);
				MemorySegment length = arena.allocate(INT);
				length.set(INT, 0, (int) sockaddr.byteSize());
				check("getsockname", (int) getsockname.invokeExact(state, fd, sockaddr, length), state, strerror);
				check("dup2", (int) dup2.invokeExact(state, fd, 0), state, strerror);
				// In network byte order, as bind took it.
				return ((sockaddr.get(ValueLayout.JAVA_BYTE, 2) & 0xff) << 8) | (sockaddr.get(ValueLayout.JAVA_BYTE, 3) & 0xff);
			}
			finally {
				// fd 0 holds the socket now (or nothing was bound): the original goes.
				int ignored = (int) close.invokeExact(state, fd);
			}
		}
	}

	private static MemorySegment sockaddrIn(Arena arena, Inet4Address address, int port) {
		MemorySegment sockaddr = arena.allocate(16);
		if (MAC) {
			sockaddr.set(ValueLayout.JAVA_BYTE, 0, (byte) 16);
			sockaddr.set(ValueLayout.JAVA_BYTE, 1, (byte) AF_INET);
		}
		else {
			sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
		}
		// The port and the address go in network byte order.
		sockaddr.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >>> 8));
		sockaddr.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
		byte[] bytes = address.getAddress();
		for (int i = 0; i < 4; i++) {
			sockaddr.set(ValueLayout.JAVA_BYTE, 4 + i, bytes[i]);
		}
		return sockaddr;
	}

	private static MethodHandle function(String name, FunctionDescriptor descriptor) {
		return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), descriptor, CAPTURE_ERRNO);
	}

	private static void check(String call, int result, MemorySegment state, MethodHandle strerror) throws Throwable {
		if (result < 0) {
			int errno = (int) ERRNO.get(state, 0L);
			MemorySegment message = (MemorySegment) strerror.invokeExact(errno);
			throw new SharedSocket.NativeCallException(call, errno, message.getString(0));
		}
	}

}
