package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import java.lang.reflect.Method;
import java.net.SocketTimeoutException;
import java.util.function.Consumer;

import io.github.bootconcurrency.autoconfigure.multijvm.worker.HeaderDeadlineSweeper.PendingHeader;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.HeaderDeadlineSweeper.PendingHeaders;
import org.apache.catalina.connector.Connector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.Processor;
import org.apache.coyote.Request;
import org.apache.tomcat.util.net.AbstractEndpoint;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * The connections of a Tomcat connector that are in the middle of a request header.
 *
 * <p>
 * Between two reads of an unfinished header, Tomcat keeps the connection's processor with
 * it, and the processor's request holds when the header's first byte was read
 * ({@link Request#getStartTimeNanos()}). A connection between two requests has no
 * processor; one being served has handed it to a thread; an async request or an upgraded
 * connection is past its header; a file being sent has a recycled request, with no start
 * time.
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
	public void collect(Consumer<PendingHeader> pending) {
		collect(this.endpoint, pending);
	}

	private static <S> void collect(AbstractEndpoint<S, ?> endpoint, Consumer<PendingHeader> pending) {
		for (SocketWrapperBase<S> connection : endpoint.getConnections()) {
			if (connection.getCurrentProcessor() instanceof Processor processor && !processor.isAsync()
					&& !processor.isUpgrade()) {
				Request request = processor.getRequest();
				long firstByte = (request != null) ? request.getStartTimeNanos() : -1;
				if (firstByte != -1) {
					pending.accept(new PendingHeader(firstByte, () -> close(endpoint, connection)));
				}
			}
		}
	}

	/**
	 * Close a connection as Tomcat's poller closes one whose read timed out: on the
	 * connector's executor, under the connection's lock, so never under a thread that
	 * reads from it; or here if the executor takes no more work.
	 */
	private static <S> void close(AbstractEndpoint<S, ?> endpoint, SocketWrapperBase<S> connection) {
		connection.setError(new SocketTimeoutException(
				"Request header not complete within concurrency.multi-jvm.request-header-timeout"));
		if (!endpoint.processSocket(connection, SocketEvent.ERROR, true)) {
			connection.close();
		}
	}

	@Override
	public String toString() {
		return "Tomcat's " + this.endpoint.getName();
	}

}
