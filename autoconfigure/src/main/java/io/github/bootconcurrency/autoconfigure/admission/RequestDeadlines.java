package io.github.bootconcurrency.autoconfigure.admission;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.github.bootconcurrency.autoconfigure.validation.SettingsChecks;

/**
 * The deadline of each request in flight ({@code concurrency.request-timeout}, uWSGI's
 * harakiri): at the deadline the thread that handles the request is interrupted, which
 * ends a sleep, a blocking read or a lock wait on a platform or a virtual thread alike.
 *
 * <p>
 * Design: one daemon platform thread of a scheduled executor fires every deadline; it is
 * started with the first request, so an application without a timeout runs none. A
 * request that ends before its deadline cancels it, and the executor forgets a cancelled
 * task at once. Each deadline has three states, changed only under its own lock: it runs,
 * it expired (its thread interrupted, its stack captured just before), or it ended. The
 * lock closes the race of a deadline that fires as its request ends: once the request has
 * ended no interrupt can reach its thread, and if it expired the interrupt was delivered
 * before the request clears it, so a pooled thread never carries it into the next
 * request. A request that ignores the interrupt (a busy loop) runs on, and is counted as
 * stuck until it ends.
 */
public final class RequestDeadlines implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RequestDeadlines.class);

	private static final Duration TIMER_SLACK = Duration.ofMillis(50);

	private final @Nullable Duration timeout;

	private final ScheduledThreadPoolExecutor scheduler;

	private final Set<Deadline> stuck = ConcurrentHashMap.newKeySet();

	private final LongAdder timedOut = new LongAdder();

	/**
	 * Create the deadlines.
	 * @param timeout how long a request may run, or {@code null} for no deadline
	 */
	public RequestDeadlines(@Nullable Duration timeout) {
		this.timeout = timeout;
		this.scheduler = new ScheduledThreadPoolExecutor(1,
				(task) -> Thread.ofPlatform().daemon().name("concurrency-request-deadlines").unstarted(task));
		this.scheduler.setRemoveOnCancelPolicy(true);
	}

	/**
	 * Return whether requests have a deadline.
	 * @return whether a timeout is set
	 */
	public boolean isEnabled() {
		return this.timeout != null;
	}

	/**
	 * Return the request timeout.
	 * @return the timeout, or {@code null} if requests have no deadline
	 */
	public @Nullable Duration getTimeout() {
		return this.timeout;
	}

	/**
	 * Start the deadline of a request handled by the current thread.
	 * @param method the request's method, for the log
	 * @param path the request's path, without its query (which may hold a secret)
	 * @return the deadline, which the request must {@link Deadline#end() end}
	 */
	public Deadline start(String method, String path) {
		Deadline deadline = new Deadline(Thread.currentThread(), method, path);
		try {
			deadline.task = this.scheduler.schedule(deadline::expire, this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed with the context: a request that still arrives runs without one.
		}
		return deadline;
	}

	/**
	 * Count an async request that its async timeout, the rest of its deadline, ended.
	 * @param method the request's method
	 * @param path the request's path
	 */
	void asyncTimedOut(String method, String path) {
		this.timedOut.increment();
		logger.warn(method + " " + path + " ran past concurrency.request-timeout ("
				+ SettingsChecks.format(this.timeout) + ") while async: its async timeout ends it");
	}

	/**
	 * Return how many requests ran past their deadline since startup.
	 * @return the count
	 */
	public long getTimedOut() {
		return this.timedOut.sum();
	}

	/**
	 * Return how many requests run past their deadline now: their thread was interrupted
	 * and they did not end yet.
	 * @return the count
	 */
	public int getStuck() {
		return this.stuck.size();
	}

	/**
	 * Return how long the oldest request that runs past its deadline has run, from its
	 * start.
	 * @return the time in milliseconds, 0 if no request runs past its deadline
	 */
	public long getLongestStuckMillis() {
		long now = System.nanoTime();
		long longest = 0;
		for (Deadline deadline : this.stuck) {
			longest = Math.max(longest, TimeUnit.NANOSECONDS.toMillis(now - deadline.startNanos));
		}
		return longest;
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
	}

	/**
	 * The deadline of one request.
	 */
	public final class Deadline {

		private final Thread thread;

		private final String method;

		private final String path;

		private final long startNanos = System.nanoTime();

		private @Nullable ScheduledFuture<?> task;

		// Guarded by this.
		private State state = State.RUNNING;

		private Deadline(Thread thread, String method, String path) {
			this.thread = thread;
			this.method = method;
			this.path = path;
		}

		private void expire() {
			StackTraceElement[] stack;
			synchronized (this) {
				if (this.state != State.RUNNING) {
					return;
				}
				this.state = State.EXPIRED;
				// Where it was at the deadline, not where the interrupt sent it.
				stack = this.thread.getStackTrace();
				RequestDeadlines.this.stuck.add(this);
				this.thread.interrupt();
			}
			RequestDeadlines.this.timedOut.increment();
			StringBuilder message = new StringBuilder().append(this.method)
				.append(' ')
				.append(this.path)
				.append(" ran past concurrency.request-timeout (")
				.append(SettingsChecks.format(RequestDeadlines.this.timeout))
				.append("): interrupting its thread '")
				.append(this.thread.getName())
				.append("'. Its stack at the deadline:");
			for (StackTraceElement element : stack) {
				message.append("\n\tat ").append(element);
			}
			logger.warn(message);
		}

		/**
		 * End the request's deadline, on the thread that handles it, and clear the
		 * interrupt the deadline sent it, if any.
		 * @return whether the deadline passed before the request ended
		 */
		public boolean end() {
			if (this.task != null) {
				this.task.cancel(false);
			}
			boolean expired;
			synchronized (this) {
				expired = this.state == State.EXPIRED;
				this.state = State.ENDED;
				RequestDeadlines.this.stuck.remove(this);
			}
			if (expired) {
				// Delivered under the lock, before this: cleared for good.
				Thread.interrupted();
			}
			return expired;
		}

		/**
		 * Return the time left until the deadline.
		 * @return the time in milliseconds, at least 1
		 */
		public long remainingMillis() {
			long elapsed = System.nanoTime() - this.startNanos;
			return Math.max(1, TimeUnit.NANOSECONDS.toMillis(RequestDeadlines.this.timeout.toNanos() - elapsed));
		}

		/**
		 * Return whether the deadline has passed, give or take the few milliseconds by
		 * which a container's timer may be early.
		 * @return whether the request ran out of time
		 */
		public boolean passed() {
			return System.nanoTime() - this.startNanos >= RequestDeadlines.this.timeout.minus(TIMER_SLACK).toNanos();
		}

		String method() {
			return this.method;
		}

		String path() {
			return this.path;
		}

	}

	private enum State {

		RUNNING, EXPIRED, ENDED

	}

}
