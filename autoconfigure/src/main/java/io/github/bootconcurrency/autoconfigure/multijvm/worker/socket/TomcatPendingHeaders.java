package io.github.bootconcurrency.autoconfigure.multijvm.worker.socket;

import java.lang.reflect.Method;
import java.util.concurrent.locks.Lock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.github.bootconcurrency.autoconfigure.multijvm.worker.socket.HeaderDeadlineSweeper.BetweenRequests;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.socket.HeaderDeadlineSweeper.PendingHeader;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.socket.HeaderDeadlineSweeper.PendingHeaders;
import org.apache.catalina.connector.Connector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.Processor;
import org.apache.coyote.Request;
import org.apache.tomcat.util.net.AbstractEndpoint;
import org.apache.tomcat.util.net.NioEndpoint.NioSocketWrapper;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * The connections of a Tomcat connector that are in the middle of a request header.
 *
 * <p>
 * Between two reads of an unfinished header, Tomcat keeps the connection's processor with
 * it, and the processor's request holds when the header's first byte was read
 * ({@link Request#getStartTimeNanos()}). A connection between two requests has no
 * processor; one being served is under its lock, taken by the thread that took its
 * processor; an async request or an upgraded connection is past its header; a file being
 * sent has a recycled request, with no start time.
 *
 * <p>
 * A connection between two requests that sends blank lines (which Tomcat skips before a
 * request line, with no processor kept between them) is told by its last read being later
 * than its last write, on the NIO connector.
 *
 * <p>
 * The one thing not public is how to reach the connections: the connector's endpoint,
 * behind {@code AbstractProtocol#getEndpoint()}, which is protected. It is called
 * reflectively, once; if that fails, one warning says so and this connector's headers are
 * not bounded (its read timeout still applies).
 */
final class TomcatPendingHeaders implements PendingHeaders {

	private static final Log logger = LogFactory.getLog(TomcatPendingHeaders.class);

	private final AbstractEndpoint<?, ?> endpoint;

	private TomcatPendingHeaders(AbstractEndpoint<?, ?> endpoint) {
		this.endpoint = endpoint;
	}

	/**
	 * Return the pending headers of a connector, if its connections can be reached.
	 * @param connector the connector
	 * @return its pending headers, or {@code null} after a warning
	 */
	static TomcatPendingHeaders of(Connector connector) {
		try {
			AbstractProtocol<?> protocol = (AbstractProtocol<?>) connector.getProtocolHandler();
			Method getEndpoint = AbstractProtocol.class.getDeclaredMethod("getEndpoint");
			getEndpoint.setAccessible(true);
			return new TomcatPendingHeaders((AbstractEndpoint<?, ?>) getEndpoint.invoke(protocol));
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			logger.warn("Cannot reach the connections of Tomcat's "
					+ connector.getProtocolHandler().getClass().getName() + " (" + ex
					+ "): concurrency.multi-jvm.request-header-timeout does not apply to this worker, whose"
					+ " clients may take as long as they like to send a request's header, a byte per read timeout;"
					+ " use concurrency.multi-jvm.balancer=proxy to bound it");
			return null;
		}
	}

	@Override
	public void collect(Consumer<PendingHeader> pending, Consumer<BetweenRequests> betweenRequests) {
		collect(this.endpoint, pending, betweenRequests);
	}

	private static <S> void collect(AbstractEndpoint<S, ?> endpoint, Consumer<PendingHeader> pending,
			Consumer<BetweenRequests> betweenRequests) {
		for (SocketWrapperBase<S> connection : endpoint.getConnections()) {
			if (connection.isClosed() || connection.getLock().isLocked()) {
				// Closing, or a thread serves it or reads from it.
				continue;
			}
			Object current = connection.getCurrentProcessor();
			if (current instanceof Processor processor) {
				long firstByte = firstByte(processor);
				if (firstByte != -1) {
					pending.accept(new PendingHeader(firstByte, () -> closeIf(connection,
							() -> connection.getCurrentProcessor() == processor && firstByte(processor) == firstByte)));
				}
			}
			else if (current == null && connection instanceof NioSocketWrapper nio) {
				long answered = nio.getLastWrite();
				// Read since its last answer, or not (both in milliseconds: a request
				// answered within the one it was read in is no read of its own).
				long read = Math.max(nio.getLastRead(), answered);
				betweenRequests.accept(new BetweenRequests(connection, answered, read, () -> closeIf(connection,
						() -> connection.getCurrentProcessor() == null && nio.getLastWrite() == answered)));
			}
		}
	}

	/**
	 * Return when the header of a processor's request began, if it is in the middle of
	 * one: not async, not upgraded, and with a start time (a file being sent has a
	 * recycled request, with none).
	 */
	private static long firstByte(Processor processor) {
		if (processor.isAsync() || processor.isUpgrade()) {
			return -1;
		}
		Request request = processor.getRequest();
		return (request != null) ? request.getStartTimeNanos() : -1;
	}

	/**
	 * Close a connection if it is still as a sweep saw it, under its lock: the lock a
	 * thread takes to serve it (and to take its processor), so the connection is not
	 * closed under a request that has just completed its header. A connection whose lock
	 * is held is left to the next sweep. It is closed here, as Tomcat's poller closes one
	 * whose read timed out when its executor takes no more work, rather than by an ERROR
	 * event queued to the executor: a saturated worker, a slowloris's target, would run
	 * it late, and each sweep until then would queue another.
	 */
	private static void closeIf(SocketWrapperBase<?> connection, BooleanSupplier unchanged) {
		Lock lock = connection.getLock();
		if (!lock.tryLock()) {
			return;
		}
		try {
			if (!connection.isClosed() && unchanged.getAsBoolean()) {
				// Releases its processor, if any, and the connection's count.
				connection.close();
			}
		}
		finally {
			lock.unlock();
		}
	}

	@Override
	public String toString() {
		return "Tomcat's " + this.endpoint.getName();
	}

}
