package io.github.bootconcurrency.autoconfigure.admission;

/**
 * Told, for each request that a {@link RequestGate} admits or rejects, how long it waited
 * for a slot. Lets a metrics library time the waits without the gate depending on it.
 *
 * @see RequestGate#setWaitListener(GateWaitListener)
 */
@FunctionalInterface
public interface GateWaitListener {

	/**
	 * Called once a request is admitted or rejected, on the request's own thread. It must
	 * be quick and must not throw: it runs on every request.
	 * @param waitNanos how long the request waited, in nanoseconds: {@code 0} for one
	 * admitted at once
	 * @param admitted {@code true} if the request was admitted, {@code false} if it was
	 * rejected because no slot freed up within the queue timeout
	 */
	void waited(long waitNanos, boolean admitted);

}
