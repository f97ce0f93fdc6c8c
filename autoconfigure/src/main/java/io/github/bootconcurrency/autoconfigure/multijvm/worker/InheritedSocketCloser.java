package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;

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
 */
final class InheritedSocketCloser implements ApplicationListener<ContextClosedEvent> {

	private static final Log logger = LogFactory.getLog(InheritedSocketCloser.class);

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		try {
			Channel inherited = System.inheritedChannel();
			if (inherited instanceof ServerSocketChannel listening && listening.isOpen()) {
				keepOutput();
				listening.close();
				// The moment this worker takes no new connection: operators and tests
				// can tell a drain apart from a crash by it.
				logger.info("This worker closed its copy of the shared listening socket: new connections go to"
						+ " the other workers, and those it accepted finish");
			}
		}
		catch (IOException ex) {
			logger.debug("Could not close the inherited listening socket", ex);
		}
	}

	/**
	 * Move {@link System#out} and {@link System#err} to descriptors of their own for the
	 * same pipes: closing the inherited channel makes the JDK point descriptors 0, 1 and
	 * 2 at {@code /dev/null}, as for an inetd service whose socket they all were. This
	 * worker's output is the master's log, and without this everything it wrote from then
	 * on, the line above and its whole drain included, was lost.
	 */
	private static void keepOutput() {
		System.setOut(reopened(1, System.out));
		System.setErr(reopened(2, System.err));
	}

	private static PrintStream reopened(int descriptor, PrintStream stream) {
		stream.flush();
		try {
			return new PrintStream(new FileOutputStream("/dev/fd/" + descriptor, true), true, stream.charset());
		}
		catch (IOException ex) {
			logger.warn("Cannot keep descriptor " + descriptor + " of this worker's output once the inherited "
					+ "listening socket is closed: what it writes from then on is lost (" + ex.getMessage() + ")");
			return stream;
		}
	}

}
