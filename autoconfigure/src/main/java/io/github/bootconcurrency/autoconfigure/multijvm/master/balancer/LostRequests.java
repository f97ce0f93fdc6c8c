package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import java.io.PrintStream;

import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.MasterLog;
import io.undertow.predicate.IdempotentPredicate;
import io.undertow.predicate.Predicate;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.StatusCodes;

/**
 * The master's lines for a request the proxy forwarded to a worker and lost there, and
 * the answer to such a request when no worker is left to send it to again.
 *
 * <p>
 * Undertow logs such a failure ({@code UT005028}) through a logging system that the
 * master never sets up, so without these lines a lost request left no trace: its client
 * got a {@code 503} that read as "stopping, retry later". Each line names the method and
 * the path only, never the query string or a header, which may carry secrets.
 *
 * <p>
 * Undertow asks the idempotency predicate whether to send a request again only when the
 * request was forwarded to a worker and failed there before any of the answer was sent to
 * the client: so that is where this class sees the failure, and records it on the
 * exchange.
 */
final class LostRequests implements Predicate {

	private static final AttachmentKey<Boolean> FAILED_AT_WORKER = AttachmentKey.create(Boolean.class);

	private final PrintStream out;

	/**
	 * Create the lines' writer.
	 * @param out the master's output
	 */
	LostRequests(PrintStream out) {
		this.out = out;
	}

	/**
	 * Record that a forwarded request failed at its worker, and tell Undertow whether it
	 * may be sent again.
	 * @param exchange the request's exchange
	 * @return whether the request is idempotent, so may be sent to another worker
	 */
	@Override
	public boolean resolve(HttpServerExchange exchange) {
		exchange.putAttachment(FAILED_AT_WORKER, Boolean.TRUE);
		boolean idempotent = IdempotentPredicate.INSTANCE.resolve(exchange);
		MasterLog.println(this.out,
				describe(exchange) + ": the connection to its worker failed before the answer; "
						+ (idempotent ? "sending it to another worker"
								: "not sent again, it is not idempotent: answered " + StatusCodes.SERVICE_UNAVAILABLE));
		return idempotent;
	}

	/**
	 * Whether a request that finds no worker now was already forwarded to one and lost
	 * there.
	 * @param exchange the request's exchange
	 * @return whether its worker failed under it
	 */
	boolean failedAtWorker(HttpServerExchange exchange) {
		return exchange.getAttachment(FAILED_AT_WORKER) != null;
	}

	/**
	 * Answer a request that was lost at its worker and finds no other worker to send it
	 * to: {@code 502}, as a proxy answers when its backend failed (RFC 9110 15.6.3; nginx
	 * and HAProxy do the same), and not Undertow's {@code 503}, which reads as the
	 * master's own "stopping, come back later" for a request that never reached a worker,
	 * when this one may have run there.
	 * @param exchange the request's exchange
	 */
	void noWorkerLeft(HttpServerExchange exchange) {
		MasterLog.println(this.out,
				describe(exchange) + ": lost at its worker, and no worker is left to send it to (the master may "
						+ "be stopping): answered " + StatusCodes.BAD_GATEWAY);
		exchange.setStatusCode(StatusCodes.BAD_GATEWAY);
		// As for every answer the master makes itself while it stops.
		exchange.setPersistent(false);
		exchange.endExchange();
	}

	private static String describe(HttpServerExchange exchange) {
		return exchange.getRequestMethod() + " " + exchange.getRequestPath();
	}

}
