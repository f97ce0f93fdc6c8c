package io.github.bootconcurrency.autoconfigure.multijvm.worker.socket;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;

/**
 * Takes the shared listening socket off a shared-socket worker's standard input.
 *
 * <p>
 * The master hands the socket down on fd 0, the one descriptor the JDK lets a child
 * inherit. A child that the application starts with its standard input inherited
 * ({@code ProcessBuilder.Redirect.INHERIT}, or a shell's default) gets this fd 0 in turn,
 * and would keep the port open, its backlog taking connections no one answers, after the
 * master and every worker are gone. Marking fd 0 close-on-exec does not help: the JDK
 * clears the flag on the descriptors it hands a child. So, as soon as this worker starts,
 * the JDK's own copy of the socket is taken ({@code System.inheritedChannel()} is a
 * {@code dup} of fd 0, the very channel Tomcat and Jetty accept on later) and fd 0
 * becomes {@code /dev/null}, but only once fd 0 is seen to be a listening socket on that
 * channel's port.
 */
public final class InheritedStandardInput {

	/**
	 * The class, compiled for Java 22, that calls the C library: named, not referenced,
	 * so that this class still loads on Java 21.
	 */
	static final String NATIVE = "io.github.bootconcurrency.autoconfigure.multijvm.worker.socket.NativeStandardStreams";

	private InheritedStandardInput() {
	}

	/**
	 * Put {@code /dev/null} on fd 0 if it holds the inherited listening socket.
	 * @return whether it did
	 */
	public static boolean detach() {
		try {
			Channel inherited = System.inheritedChannel();
			if (!(inherited instanceof ServerSocketChannel listening) || !listening.isOpen()) {
				return false;
			}
			SocketAddress address = listening.getLocalAddress();
			if (!(address instanceof InetSocketAddress inet)) {
				return false;
			}
			return (boolean) Class.forName(NATIVE)
				.getDeclaredMethod("detachStandardInput", int.class)
				.invoke(null, inet.getPort());
		}
		catch (IOException | InvocationTargetException ex) {
			return false;
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			// Not on Java 22 or later, where no shared socket is inherited.
			return false;
		}
	}

}
