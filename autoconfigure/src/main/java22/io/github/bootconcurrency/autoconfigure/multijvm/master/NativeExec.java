package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.io.IOException;
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
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The libc calls behind {@link MasterJvm}, through the FFM API (final in Java 22, so this
 * class is compiled for 22 and loaded only on such a JVM). Linux only.
 *
 * <p>
 * {@code execv} replaces the process image and keeps everything a supervisor of the
 * master relies on: the process id (systemd's main pid, a pidfile, a shell's
 * {@code $!}), the parent, the standard streams and the signals left ignored. What the
 * old JVM opened goes, so that the new one does not inherit descriptors it knows nothing
 * of; kept are those a parent passed on purpose that can be told apart: a descriptor
 * that holds a lock (a script's {@code flock} that keeps a second instance out) and the
 * sockets of systemd's socket activation. The calling thread's blocked signals would
 * carry over, so none are.
 */
final class NativeExec {

	// Linux's values.
	private static final int F_SETFD = 2;

	private static final int FD_CLOEXEC = 1;

	private static final int SIG_SETMASK = 2;

	private static final long SIGSET_BYTES = 128;

	private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();

	private static final VarHandle ERRNO = CALL_STATE.varHandle(PathElement.groupElement("errno"));

	private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

	private NativeExec() {
	}

	/**
	 * Return whether this class may call native code without the JVM warning about it:
	 * {@code --enable-native-access=ALL-UNNAMED} or the jar manifest's
	 * {@code Enable-Native-Access: ALL-UNNAMED}.
	 * @return whether it may
	 */
	static boolean nativeAccessEnabled() {
		return NativeExec.class.getModule().isNativeAccessEnabled();
	}

	/**
	 * Replace this process's image with the given command. Returns only by throwing.
	 * @param command the program's path, then its arguments (the first naming it)
	 * @throws IllegalStateException if a call fails, naming it and the error
	 */
	static void exec(List<String> command) throws Throwable {
		Linker linker = Linker.nativeLinker();
		SymbolLookup libc = linker.defaultLookup();
		Linker.Option errno = Linker.Option.captureCallState("errno");
		MethodHandle fcntl = linker.downcallHandle(libc.find("fcntl").orElseThrow(),
				FunctionDescriptor.of(INT, INT, INT, INT), errno, Linker.Option.firstVariadicArg(2));
		MethodHandle sigmask = linker.downcallHandle(libc.find("pthread_sigmask").orElseThrow(),
				FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
		MethodHandle execv = linker.downcallHandle(libc.find("execv").orElseThrow(),
				FunctionDescriptor.of(INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS), errno);
		MethodHandle strerror = linker.downcallHandle(libc.find("strerror").orElseThrow(), FunctionDescriptor
			.of(ValueLayout.ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE)), INT));
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = arena.allocate(CALL_STATE);
			for (int fd : descriptorsToClose()) {
				// A descriptor closed since the listing fails with EBADF: nothing to do.
				int ignored = (int) fcntl.invokeExact(state, fd, F_SETFD, FD_CLOEXEC);
			}
			MemorySegment argv = arena.allocate(ValueLayout.ADDRESS, command.size() + 1L);
			for (int i = 0; i < command.size(); i++) {
				argv.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(command.get(i)));
			}
			argv.setAtIndex(ValueLayout.ADDRESS, command.size(), MemorySegment.NULL);
			MemorySegment path = arena.allocateFrom(command.get(0));
			MemorySegment none = arena.allocate(SIGSET_BYTES);
			// Its result does not matter: blocked signals only delay the new JVM's.
			int ignored = (int) sigmask.invokeExact(SIG_SETMASK, none, MemorySegment.NULL);
			int ignoredToo = (int) execv.invokeExact(state, path, argv);
			int error = (int) ERRNO.get(state, 0L);
			MemorySegment message = (MemorySegment) strerror.invokeExact(error);
			throw new IllegalStateException("execv: " + message.getString(0) + " (errno " + error + ")");
		}
	}

	private static List<Integer> descriptorsToClose() throws IOException {
		int activated = activatedSockets();
		List<Integer> descriptors = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
			for (Path entry : entries) {
				int fd = Integer.parseInt(entry.getFileName().toString());
				if (fd > 2 + activated && !holdsLock(fd)) {
					descriptors.add(fd);
				}
			}
		}
		return descriptors;
	}

	// systemd's LISTEN_FDS sockets start at 3, for this process only.
	private static int activatedSockets() {
		String pid = System.getenv("LISTEN_PID");
		String count = System.getenv("LISTEN_FDS");
		try {
			return (pid != null && count != null && Long.parseLong(pid) == ProcessHandle.current().pid())
					? Integer.parseInt(count) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private static boolean holdsLock(int fd) {
		try {
			return Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))
				.stream()
				.anyMatch((line) -> line.startsWith("lock:"));
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

}
