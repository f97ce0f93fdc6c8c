package io.github.bootconcurrency.autoconfigure.admission;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Admits at most {@code limit} requests at once and counts what happens to them.
 *
 * <p>
 * Under the platform model the server's pool already bounds concurrency, so the gate
 * mostly counts; it still enforces the bound where a server's pool must be larger than
 * the request limit (Jetty runs its acceptors and selectors on the same pool). Under the
 * virtual model nothing else bounds concurrency, so the gate is the cap: an extra request
 * waits on its (cheap) virtual thread for up to the queue timeout, then is rejected.
 * Waiting is not failing: only a rejection counts as one.
 *
 * <p>
 * Waiting requests are admitted in arrival order, and a request that arrives while some
 * wait queues behind them, even at the moment a slot is freed: otherwise a newcomer could
 * take the slot of a request that has waited longer, which may then time out into a 503.
 *
 * <p>
 * The limit may move while requests are in flight, between 1 and the limit the gate was
 * created with, when an adaptive algorithm {@link #setLimitFeedback(LimitFeedback) told
 * of each request} sets it: a higher limit admits waiting requests at once, a lower one
 * takes effect as requests in flight end, none of them being cut short.
 */
public final class RequestGate {

	private final int maxLimit;

	private volatile int limit;

	private final @Nullable Duration queueTimeout;

	private final Permits permits;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger peakInFlight = new AtomicInteger();

	private final AtomicInteger waiting = new AtomicInteger();

	private final LongAdder completed = new LongAdder();

	private final LongAdder rejected = new LongAdder();

	private volatile IntSupplier serverQueue = () -> 0;

	private volatile GateWaitListener waitListener = (waitNanos, admitted) -> {
	};

	private volatile LimitFeedback limitFeedback = LimitFeedback.NONE;

	private volatile SlotListener slotListener = SlotListener.NONE;

	/**
	 * Create a gate.
	 * @param limit how many requests may be in flight at once
	 * @param queueTimeout how long an extra request waits for a slot, or {@code null} to
	 * wait for as long as it takes
	 */
	public RequestGate(int limit, @Nullable Duration queueTimeout) {
		this.maxLimit = limit;
		this.limit = limit;
		this.queueTimeout = queueTimeout;
		this.permits = new Permits(limit);
	}

	/**
	 * Wait for a slot.
	 * @return {@code true} if the request was admitted and must call {@link #exit()},
	 * {@code false} if it was rejected
	 * @throws InterruptedException if the thread is interrupted, on entry or while it
	 * waits
	 */
	public boolean enter() throws InterruptedException {
		// tryAcquire() would barge ahead of the queue even on a fair semaphore; the timed
		// form honours fairness. Uncontended it costs what tryAcquire() does plus a look
		// at the queue's head (and an interrupt check): no lock, no park, no clock read.
		if (this.permits.tryAcquire(0, TimeUnit.NANOSECONDS)) {
			this.waitListener.waited(0, true);
			admit();
			return true;
		}
		long start = System.nanoTime();
		boolean admitted;
		this.waiting.incrementAndGet();
		try {
			if (this.queueTimeout == null) {
				this.permits.acquire();
				admitted = true;
			}
			else {
				admitted = this.permits.tryAcquire(this.queueTimeout.toNanos(), TimeUnit.NANOSECONDS);
			}
		}
		finally {
			this.waiting.decrementAndGet();
		}
		// An interrupted wait is neither admitted nor rejected: it is not timed either.
		this.waitListener.waited(System.nanoTime() - start, admitted);
		if (!admitted) {
			this.rejected.increment();
			return false;
		}
		admit();
		return true;
	}

	private void admit() {
		this.peakInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
		this.slotListener.admitted();
	}

	/**
	 * Release the slot of an admitted request.
	 */
	public void exit() {
		this.inFlight.decrementAndGet();
		this.completed.increment();
		this.permits.release();
		this.slotListener.released();
	}

	/**
	 * Return how many requests may be in flight at once now.
	 * @return the current limit
	 */
	public int getLimit() {
		return this.limit;
	}

	/**
	 * Return the most requests that may ever be in flight at once: the limit the gate was
	 * created with.
	 * @return the highest limit
	 */
	public int getMaxLimit() {
		return this.maxLimit;
	}

	/**
	 * Move the limit. Requests in flight over a lowered limit finish; no new one is
	 * admitted until they are under it.
	 * @param limit the new limit, brought within 1 and {@link #getMaxLimit()}
	 */
	public synchronized void setLimit(int limit) {
		int bounded = Math.max(1, Math.min(this.maxLimit, limit));
		int change = bounded - this.limit;
		this.limit = bounded;
		if (change > 0) {
			this.permits.release(change);
		}
		else if (change < 0) {
			// Below zero available permits while more are in flight than the new limit:
			// their exits pay the debt before anyone else is admitted.
			this.permits.reduce(-change);
		}
	}

	/**
	 * Tell an algorithm of every request admitted from now on, so that it can
	 * {@link #setLimit(int) move the limit}.
	 * @param limitFeedback the algorithm, which replaces any earlier one
	 */
	public void setLimitFeedback(LimitFeedback limitFeedback) {
		this.limitFeedback = limitFeedback;
	}

	/**
	 * Start the sample of a request just admitted, to be told how it ended before it
	 * {@link #exit() exits}.
	 * @return the sample
	 */
	public LimitFeedback.Sample sample() {
		return this.limitFeedback.admitted();
	}

	public @Nullable Duration getQueueTimeout() {
		return this.queueTimeout;
	}

	public int getInFlight() {
		return this.inFlight.get();
	}

	public int getPeakInFlight() {
		return this.peakInFlight.get();
	}

	/**
	 * Return how many requests wait for a slot now: at the gate, and in the server's own
	 * queue when its pool is full (Tomcat queues before any filter runs).
	 * @return the number of waiting requests
	 */
	public int getWaiting() {
		return this.waiting.get() + this.serverQueue.getAsInt();
	}

	/**
	 * Count the requests queued inside the server as waiting too.
	 * @param serverQueue reads the size of the server's queue of requests for a thread
	 */
	public void setServerQueue(IntSupplier serverQueue) {
		this.serverQueue = serverQueue;
	}

	/**
	 * Tell a listener of each request admitted and of each that gives its slot back, such
	 * as a worker that stops accepting connections while the gate is full.
	 * @param slotListener the listener, which replaces any earlier one
	 */
	public void setSlotListener(SlotListener slotListener) {
		this.slotListener = slotListener;
	}

	/**
	 * Tell a listener how long each request admitted or rejected from now on waited.
	 * @param waitListener the listener, which replaces any earlier one
	 */
	public void setWaitListener(GateWaitListener waitListener) {
		this.waitListener = waitListener;
	}

	public long getCompleted() {
		return this.completed.sum();
	}

	public long getRejected() {
		return this.rejected.sum();
	}

	/**
	 * Told of the slots taken and given back. Each call is on a request's thread, and
	 * must return at once.
	 */
	public interface SlotListener {

		/**
		 * A listener that does nothing.
		 */
		SlotListener NONE = new SlotListener() {

			@Override
			public void admitted() {
			}

			@Override
			public void released() {
			}

		};

		/**
		 * A request took a slot.
		 */
		void admitted();

		/**
		 * A request gave its slot back.
		 */
		void released();

	}

	/**
	 * A fair semaphore whose permits can be taken away, even from requests in flight.
	 */
	private static final class Permits extends Semaphore {

		Permits(int permits) {
			super(permits, true);
		}

		void reduce(int reduction) {
			reducePermits(reduction);
		}

	}

}
