package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import java.io.IOException;
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

}
