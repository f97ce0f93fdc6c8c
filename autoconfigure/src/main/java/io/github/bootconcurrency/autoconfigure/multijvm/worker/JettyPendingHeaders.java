package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.github.bootconcurrency.autoconfigure.multijvm.worker.HeaderDeadlineSweeper.PendingHeader;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.HeaderDeadlineSweeper.PendingHeaders;
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
 */
final class JettyPendingHeaders implements PendingHeaders {

	private final ServerConnector connector;

	JettyPendingHeaders(ServerConnector connector) {
		this.connector = connector;
	}

	@Override
	public void collect(Consumer<PendingHeader> pending) {
		for (EndPoint endPoint : this.connector.getConnectedEndPoints()) {
			Connection connection = endPoint.getConnection();
			if (connection instanceof SslConnection tls) {
				connection = tls.getSslEndPoint().getConnection();
			}
			if (connection instanceof HttpConnection http) {
				HttpParser parser = http.getParser();
				if (!parser.isStart() && parser.inHeaderState()) {
					pending
						.accept(new PendingHeader(parser.getBeginNanoTime(), () -> endPoint.close(new TimeoutException(
								"Request header not complete within concurrency.multi-jvm.request-header-timeout"))));
				}
			}
		}
	}

	@Override
	public String toString() {
		return "Jetty's " + this.connector;
	}

}
