package io.github.bootconcurrency.benchmark.load;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Makes HTTP/1.1 GET requests, one virtual thread per request in flight, in three modes:
 * <ul>
 * <li><b>at once</b>: N requests released together, as the article's client fires them;
 * the wall time runs from the release to the last answer;</li>
 * <li><b>closed loop</b>: C connections, each sending its next request as soon as the
 * last one is answered, for a duration (throughput);</li>
 * <li><b>constant rate</b>: R requests a second for a duration, whatever the answers,
 * with latency counted from when each request was due, so that a server that stalls
 * cannot hide it by slowing the client down (load during fault tests).</li>
 * </ul>
 * <p>
 * Each run gets its own {@link LoadClient}, which opens one connection per concurrent
 * request and keeps it for the next, so a fresh client makes every request of an at-once
 * run set up its own connection, which is the point of that mode (10,000 requests at once
 * means 10,000 connections at once).
 * <p>
 * Every run is bounded twice: by the connect and read timeouts of each request, and by a
 * deadline for the whole run, after which requests still in flight are cancelled and
 * counted as {@link SocketError#DEADLINE}. A run can therefore never hang.
 */
public final class LoadEngine {

	/** Grace given to cancelled requests to notice their interruption. */
	private static final Duration CANCEL_GRACE = Duration.ofSeconds(2);

	private final Duration connectTimeout;

	private final Duration readTimeout;

	private final ProgressPrinter progress;

	private final LoadClient.Kind client;

	/**
	 * An engine on the {@link LoadClient.Kind#SOCKET socket} client.
	 * @param connectTimeout how long a connection may take to be accepted
	 * @param readTimeout how long a request may wait for its response
	 * @param progress where progress goes
	 */
	LoadEngine(Duration connectTimeout, Duration readTimeout, ProgressPrinter progress) {
		this(connectTimeout, readTimeout, progress, LoadClient.Kind.SOCKET);
	}

	/**
	 * @param connectTimeout how long a connection may take to be accepted (SYN retries
	 * included)
	 * @param readTimeout how long a request may wait for its response
	 * @param progress where progress goes
	 * @param client which client sends the requests
	 */
	public LoadEngine(Duration connectTimeout, Duration readTimeout, ProgressPrinter progress, LoadClient.Kind client) {
		this.connectTimeout = connectTimeout;
		this.readTimeout = readTimeout;
		this.progress = progress;
		this.client = client;
	}

	/** The deadline a run gets when none is given: its requests' own bounds, and some. */
	public Duration defaultDeadline(Duration runLength) {
		return runLength.plus(this.connectTimeout).plus(this.readTimeout).plusSeconds(5);
	}

	/**
	 * Releases {@code count} requests at once and waits for all of them.
	 * @param uri what to GET
	 * @param count requests
	 * @param deadline bound on the whole run
	 * @return what was measured
	 */
	public LoadResult atOnce(URI uri, int count, Duration deadline) {
		LoadClient client = this.client.open(uri, this.connectTimeout, this.readTimeout);
		try {
			AtomicInteger finished = new AtomicInteger();
			CountDownLatch release = new CountDownLatch(1);
			// Latency counts from the release, as the article's client counts from
			// firing: a request whose thread got to run late was still late for its
			// sender.
			long[] releasedAt = new long[1];
			List<Thread> threads = new ArrayList<>(count);
			List<Recorder> recorders = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				Recorder recorder = new Recorder(finished);
				recorders.add(recorder);
				threads.add(Thread.ofVirtual().unstarted(() -> {
					try {
						release.await();
					}
					catch (InterruptedException ex) {
						recorder.error(SocketError.DEADLINE);
						return;
					}
					send(client, recorder, releasedAt[0]);
				}));
			}
			// Start every thread before the release, so that thread creation is not timed
			// and the requests really leave together.
			threads.forEach(Thread::start);
			String label = String.format(Locale.ROOT, "%,d × GET %s at once", count, uri);
			try (ProgressPrinter.Handle handle = this.progress.start(label, count, null, finished)) {
				long start = System.nanoTime();
				releasedAt[0] = start;
				release.countDown();
				long wall = awaitAll(threads, recorders, start, deadline);
				return LoadResult.merge(label, wall, mergeable(threads, recorders));
			}
		}
		finally {
			client.close();
		}
	}

	/**
	 * Keeps {@code connections} requests in flight for {@code duration}.
	 * @param uri what to GET
	 * @param connections requests in flight at once, each on its own connection
	 * @param duration how long to send for
	 * @param maxRequests bound on the number of requests, whatever the duration
	 * @return what was measured; the wall time runs until the last answer
	 */
	public LoadResult closedLoop(URI uri, int connections, Duration duration, long maxRequests) {
		LoadClient client = this.client.open(uri, this.connectTimeout, this.readTimeout);
		try {
			AtomicInteger finished = new AtomicInteger();
			AtomicLong issued = new AtomicLong();
			List<Thread> threads = new ArrayList<>(connections);
			List<Recorder> recorders = new ArrayList<>(connections);
			String label = String.format(Locale.ROOT, "%d connections × GET %s for %.1f s", connections, uri,
					duration.toNanos() / 1e9);
			try (ProgressPrinter.Handle handle = this.progress.start(label, 0, duration, finished)) {
				long start = System.nanoTime();
				long end = start + duration.toNanos();
				for (int i = 0; i < connections; i++) {
					Recorder recorder = new Recorder(finished);
					recorders.add(recorder);
					threads.add(Thread.ofVirtual().start(() -> {
						while (System.nanoTime() < end && issued.incrementAndGet() <= maxRequests
								&& !Thread.currentThread().isInterrupted()) {
							send(client, recorder, System.nanoTime());
						}
					}));
				}
				long wall = awaitAll(threads, recorders, start, defaultDeadline(duration));
				return LoadResult.merge(label, wall, mergeable(threads, recorders));
			}
		}
		finally {
			client.close();
		}
	}

	/**
	 * Sends {@code rate} requests a second for {@code duration}, each on time whatever
	 * the answers to the earlier ones.
	 * @param uri what to GET
	 * @param rate requests a second
	 * @param duration how long to send for
	 * @param maxInFlight requests in flight beyond which a due request is not sent but
	 * counted as {@link SocketError#NOT_SENT}: bounds the client's own resources
	 * @return what was measured; latencies count from when each request was due
	 */
	public LoadResult constantRate(URI uri, double rate, Duration duration, int maxInFlight) {
		LoadClient client = this.client.open(uri, this.connectTimeout, this.readTimeout);
		try {
			AtomicInteger finished = new AtomicInteger();
			AtomicInteger inFlight = new AtomicInteger();
			long total = (long) Math.floor(rate * duration.toNanos() / 1e9);
			if (total > Integer.MAX_VALUE / 2) {
				throw new IllegalArgumentException("rate × duration is too many requests: " + total);
			}
			double periodNanos = 1e9 / rate;
			List<Thread> threads = new ArrayList<>();
			List<Recorder> recorders = new ArrayList<>();
			Recorder notSent = new Recorder(finished);
			String label = String.format(Locale.ROOT, "%.1f requests/s × GET %s for %.1f s", rate, uri,
					duration.toNanos() / 1e9);
			try (ProgressPrinter.Handle handle = this.progress.start(label, (int) total, duration, finished)) {
				long start = System.nanoTime();
				for (long i = 0; i < total; i++) {
					long due = start + (long) (i * periodNanos);
					long wait;
					while ((wait = due - System.nanoTime()) > 0) {
						LockSupport.parkNanos(wait);
					}
					if (inFlight.get() >= maxInFlight) {
						notSent.error(SocketError.NOT_SENT);
						continue;
					}
					inFlight.incrementAndGet();
					Recorder recorder = new Recorder(finished);
					recorders.add(recorder);
					threads.add(Thread.ofVirtual().start(() -> {
						try {
							send(client, recorder, due);
						}
						finally {
							inFlight.decrementAndGet();
						}
					}));
				}
				long wall = awaitAll(threads, recorders, start, defaultDeadline(duration));
				List<Recorder> merged = new ArrayList<>(mergeable(threads, recorders));
				merged.add(notSent);
				return LoadResult.merge(label, wall, merged);
			}
		}
		finally {
			client.close();
		}
	}

	private void send(LoadClient client, Recorder recorder, long startNanos) {
		try {
			int status = client.get();
			recorder.response(status, System.nanoTime() - startNanos);
		}
		catch (InterruptedException ex) {
			recorder.error(SocketError.DEADLINE);
			Thread.currentThread().interrupt();
		}
		catch (IOException | RuntimeException ex) {
			recorder.error(SocketError.of(ex));
		}
	}

	/**
	 * Waits for every thread until the deadline, then cancels the rest.
	 * @return the wall time from {@code startNanos} until the last thread finished, or
	 * until the deadline if some did not
	 */
	private long awaitAll(List<Thread> threads, List<Recorder> recorders, long startNanos, Duration deadline) {
		long deadlineNanos = startNanos + deadline.toNanos();
		boolean late = false;
		for (Thread thread : threads) {
			long remaining = deadlineNanos - System.nanoTime();
			try {
				if (remaining <= 0 || !thread.join(Duration.ofNanos(remaining))) {
					late = true;
					break;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				late = true;
				break;
			}
		}
		long wall = System.nanoTime() - startNanos;
		if (late) {
			threads.forEach(Thread::interrupt);
			long graceEnd = System.nanoTime() + CANCEL_GRACE.toNanos();
			for (Thread thread : threads) {
				long remaining = graceEnd - System.nanoTime();
				if (remaining <= 0) {
					break;
				}
				try {
					thread.join(Duration.ofNanos(remaining));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
			wall = deadline.toNanos();
		}
		return wall;
	}

	/**
	 * The recorders that can be read safely: those of finished threads. A thread still
	 * alive after its cancellation counts as one unfinished request, in a recorder of its
	 * own, since it may still write to its recorder.
	 */
	private List<Recorder> mergeable(List<Thread> threads, List<Recorder> recorders) {
		List<Recorder> result = new ArrayList<>(recorders.size() + 1);
		Recorder abandoned = new Recorder(new AtomicInteger());
		for (int i = 0; i < threads.size(); i++) {
			if (threads.get(i).isAlive()) {
				abandoned.error(SocketError.DEADLINE);
			}
			else {
				result.add(recorders.get(i));
			}
		}
		result.add(abandoned);
		return result;
	}

}
