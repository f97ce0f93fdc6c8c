package io.github.bootconcurrency.autoconfigure.multijvm.worker.socket;

import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.github.bootconcurrency.autoconfigure.multijvm.worker.socket.HeaderDeadlineSweeper.BetweenRequests;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.socket.HeaderDeadlineSweeper.PendingHeader;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.socket.HeaderDeadlineSweeper.PendingHeaders;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * The connections of a Jetty connector that are in the middle of a request header: those
 * whose HTTP/1 parser has left its start state and not yet reached the content. The
 * parser holds when it read the header's first byte
 * ({@link HttpParser#getBeginNanoTime()}). A connection between two requests, or one that
 * has sent nothing, is at the start state; an HTTP/2 or upgraded connection has no HTTP/1
 * parser.
 *
 * <p>
 * A connection at the start state that keeps reading (blank lines, which Jetty skips
 * there) is told by its bytes read changing while its requests do not.
 */
final class JettyPendingHeaders implements PendingHeaders {

	private final ServerConnector connector;

	JettyPendingHeaders(ServerConnector connector) {
		this.connector = connector;
	}

	@Override
	public void collect(Consumer<PendingHeader> pending, Consumer<BetweenRequests> betweenRequests) {
		for (EndPoint endPoint : this.connector.getConnectedEndPoints()) {
			Connection connection = endPoint.getConnection();
			if (connection instanceof SslConnection tls) {
				connection = tls.getSslEndPoint().getConnection();
			}
			if (connection instanceof HttpConnection http) {
				HttpParser parser = http.getParser();
				long requests = http.getMessagesIn();
				if (parser.isStart()) {
					// Jetty counts a request when its header is complete.
					betweenRequests.accept(new BetweenRequests(http, requests, http.getBytesIn(),
							() -> closeIf(endPoint, () -> parser.isStart() && http.getMessagesIn() == requests)));
				}
				else if (parser.inHeaderState()) {
					long firstByte = parser.getBeginNanoTime();
					pending.accept(new PendingHeader(firstByte, () -> closeIf(endPoint, () -> !parser.isStart()
							&& parser.inHeaderState() && parser.getBeginNanoTime() == firstByte)));
				}
			}
		}
	}

	/**
	 * Close a connection if it is still as a sweep saw it. Jetty's connections have no
	 * lock to take: a request that completes its header between this look and the close
	 * is closed as if its client had gone, which the look makes rare.
	 */
	private static void closeIf(EndPoint endPoint, BooleanSupplier unchanged) {
		if (unchanged.getAsBoolean()) {
			endPoint.close(new TimeoutException(
					"Request header not complete within concurrency.multi-jvm.request-header-timeout"));
		}
	}

	@Override
	public String toString() {
		return "Jetty's " + this.connector;
	}

}
