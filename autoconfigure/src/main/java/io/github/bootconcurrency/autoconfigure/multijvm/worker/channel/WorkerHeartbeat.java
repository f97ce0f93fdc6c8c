package io.github.bootconcurrency.autoconfigure.multijvm.worker.channel;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * A worker's heartbeat to its master: every interval, from a platform thread of its own,
 * whether the application accepts traffic, the port its server bound, how many requests
 * it served, its heap in use, how many of its threads the JVM finds deadlocked, its
 * {@link HeapAfterCollection heap after collection}, and how long its oldest request past
 * the request timeout has run.
 *
 * <p>
 * Design: the master decides that a worker is alive from this heartbeat alone, not from
 * an HTTP probe. A probe would queue behind the very requests that keep a busy worker
 * busy, behind its request gate and in its server's pool, so a saturated worker would
 * look hung and be killed with every request in flight. The heartbeat's thread takes none
 * of the application's locks and no request slot: it stops only when the JVM as a whole
 * stops (a stopped process, an endless collection, a wedged JVM). A deadlock, which
 * leaves this thread running, is reported for the master to act on. The heartbeat is also
 * how the worker says it is ready and which port it serves on, so the master never trusts
 * a port it did not hear from the worker itself, over its authenticated channel; a change
 * of readiness is sent at once rather than at the next beat.
 */
public final class WorkerHeartbeat implements SmartLifecycle, SmartApplicationListener {

	private static final Log logger = LogFactory.getLog(WorkerHeartbeat.class);

	private static final Duration LAST_BEAT_WAIT = Duration.ofSeconds(1);

	private final MasterChannelClient master;

	private final ServedRequestsFilter served;

	private final Duration interval;

	private final LongSupplier stuckMillis;

	private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

	private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private final Semaphore wakeUp = new Semaphore(0);

	private volatile boolean ready;

	private volatile int port;

	private volatile @Nullable Thread thread;

	private volatile boolean stopping;

	WorkerHeartbeat(MasterChannelClient master, ServedRequestsFilter served, Duration interval) {
		this(master, served, interval, () -> 0);
	}

	/**
	 * Create a heartbeat.
	 * @param master the client of the master's control channel
	 * @param served the filter that counts the requests this worker serves
	 * @param interval the time between two beats
	 * @param stuckMillis how long the longest stuck request has run, in milliseconds
	 */
	public WorkerHeartbeat(MasterChannelClient master, ServedRequestsFilter served, Duration interval,
			LongSupplier stuckMillis) {
		this.master = master;
		this.served = served;
		this.interval = interval;
		this.stuckMillis = stuckMillis;
	}

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return WebServerInitializedEvent.class.isAssignableFrom(eventType)
				|| AvailabilityChangeEvent.class.isAssignableFrom(eventType);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof WebServerInitializedEvent initialized
				&& initialized.getApplicationContext().getServerNamespace() == null) {
			this.port = initialized.getWebServer().getPort();
		}
		else if (event instanceof AvailabilityChangeEvent<?> change && change.getState() instanceof ReadinessState) {
			this.ready = change.getState() == ReadinessState.ACCEPTING_TRAFFIC;
			this.wakeUp.release();
		}
	}

	/**
	 * The first to start and the last to stop: the master hears from the worker through
	 * its whole graceful shutdown, and is told at the end that it no longer takes
	 * traffic.
	 */
	@Override
	public int getPhase() {
		return Integer.MIN_VALUE;
	}

	@Override
	public void start() {
		this.stopping = false;
		this.thread = Thread.ofPlatform().daemon().name("multi-jvm-worker-heartbeat").start(this::run);
	}

	private void run() {
		boolean warned = false;
		while (!Thread.currentThread().isInterrupted()) {
			try {
				this.master.heartbeat(this.ready, this.port, this.served.served(),
						this.memory.getHeapMemoryUsage().getUsed(), deadlockedThreads(), HeapAfterCollection.read(),
						this.stuckMillis.getAsLong());
				warned = false;
			}
			catch (IOException ex) {
				if (Thread.currentThread().isInterrupted()) {
					// Stopped mid-request: the worker is shutting down, nothing is wrong.
					return;
				}
				if (!warned) {
					logger.warn("Cannot send a heartbeat to the multi-jvm master: " + ex.getMessage());
					warned = true;
				}
			}
			if (this.stopping) {
				return;
			}
			try {
				if (this.wakeUp.tryAcquire(this.interval.toNanos(), TimeUnit.NANOSECONDS)) {
					this.wakeUp.drainPermits();
				}
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	private int deadlockedThreads() {
		long[] deadlocked = this.threads.findDeadlockedThreads();
		return (deadlocked != null) ? deadlocked.length : 0;
	}

	/**
	 * Send a last heartbeat, then end: waiting for it at most a second, since a master
	 * that does not answer must not hold the worker's shutdown up.
	 */
	@Override
	public void stop() {
		Thread thread = this.thread;
		if (thread != null) {
			this.stopping = true;
			this.wakeUp.release();
			try {
				thread.join(LAST_BEAT_WAIT);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			thread.interrupt();
		}
		this.thread = null;
	}

	@Override
	public boolean isRunning() {
		return this.thread != null;
	}

}
