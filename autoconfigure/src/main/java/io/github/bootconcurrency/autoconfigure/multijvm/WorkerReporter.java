package io.github.bootconcurrency.autoconfigure.multijvm;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Tells the master, every second, how many requests this worker served and how much heap
 * it uses: the master shows both in the cluster view, and recycles the worker once it has
 * served {@code max-requests}.
 */
final class WorkerReporter implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(WorkerReporter.class);

	private static final Duration INTERVAL = Duration.ofSeconds(1);

	private final MasterChannelClient master;

	private final ServedRequestsFilter served;

	private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

	private volatile Thread thread;

	WorkerReporter(MasterChannelClient master, ServedRequestsFilter served) {
		this.master = master;
		this.served = served;
	}

	@Override
	public void start() {
		this.thread = Thread.ofPlatform().daemon().name("multi-jvm-worker-reporter").start(this::run);
	}

	private void run() {
		boolean warned = false;
		while (!Thread.currentThread().isInterrupted()) {
			try {
				this.master.report(this.served.served(), this.memory.getHeapMemoryUsage().getUsed());
				warned = false;
			}
			catch (IOException ex) {
				if (!warned) {
					logger.warn("Cannot report to the multi-jvm master: " + ex.getMessage());
					warned = true;
				}
			}
			try {
				Thread.sleep(INTERVAL);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	@Override
	public void stop() {
		Thread thread = this.thread;
		if (thread != null) {
			thread.interrupt();
		}
		this.thread = null;
	}

	@Override
	public boolean isRunning() {
		return this.thread != null;
	}

}
