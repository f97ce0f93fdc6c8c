package io.github.bootconcurrency.autoconfigure.multijvm.worker.socket;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Closes a stopping worker's copy of the listening socket it shares with the master and
 * the other workers ({@code shared-socket}), first thing, as a Gunicorn worker closes its
 * listeners when it is told to stop.
 *
 * <p>
 * The server's own graceful shutdown pauses its acceptor instead, and a paused acceptor
 * still blocked in {@code accept()} takes the next connection from the shared backlog and
 * drops it: that client gets no answer, while another worker would have served it. Once
 * this process's copy is closed, the kernel hands new connections to the workers that
 * still accept. Requests already accepted finish as usual.
 *
 * <p>
 * The JDK closes an inherited channel as inetd would want, putting {@code /dev/null} on
 * fds 0, 1 and 2: the worker's output, which the master logs, would end there, and with
 * it every line of its shutdown. So fds 1 and 2 are kept across the close, through
 * {@code java.lang.foreign} (this worker runs on Java 22 or later, as the shared-socket
 * balancer requires).
 */
public final class InheritedSocketCloser implements ApplicationListener<ContextClosedEvent> {

	private static final Log logger = LogFactory.getLog(InheritedSocketCloser.class);

	private final Drain drain;

	private final Duration drainBound;

	/**
	 * Create a closer.
	 * @param drain the worker's drain, begun as the socket closes
	 * @param drainBound how long the worker waits at most for its clients to close their
	 * connections, before its server's own shutdown
	 */
	public InheritedSocketCloser(Drain drain, Duration drainBound) {
		this.drain = drain;
		this.drainBound = drainBound;
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		try {
			Channel inherited = System.inheritedChannel();
			if (inherited instanceof ServerSocketChannel listening && listening.isOpen()) {
				// Before the close: whatever this worker answers from now on closes its
				// connection.
				this.drain.begin();
				closeKeepingOutput(listening);
				// The moment this worker takes no new connection: operators and tests
				// can tell a drain apart from a crash by it.
				logger.info("This worker closed its copy of the shared listening socket: new connections go to"
						+ " the other workers, and those it accepted finish, each answer with 'Connection: close'");
				awaitClients();
			}
		}
		catch (IOException ex) {
			logger.debug("Could not close the inherited listening socket", ex);
		}
	}

	/**
	 * Wait, before the server's own graceful shutdown pauses it, for the clients of this
	 * worker's kept-alive connections to have been told to close them and closed them.
	 */
	private void awaitClients() {
		try {
			long open = this.drain.awaitConnectionsClosed(this.drainBound);
			if (open > 0) {
				logger.info(open + " connection(s) sent no request within " + this.drainBound
						+ " of the drain: the server closes them now");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void closeKeepingOutput(ServerSocketChannel listening) throws IOException {
		try {
			Class.forName(InheritedStandardInput.NATIVE)
				.getDeclaredMethod("closeKeepingOutput", Channel.class)
				.invoke(null, listening);
		}
		catch (InvocationTargetException ex) {
			if (ex.getCause() instanceof IOException io) {
				throw io;
			}
			throw new IOException(ex.getCause());
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			// Not on Java 22 or later, where no shared socket is inherited: a plain
			// close.
			listening.close();
		}
	}

}
