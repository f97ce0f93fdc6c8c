package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The store's helper JVMs (the extraction, the creation), one at a time and with
 * {@link #OPTIONS}, closed as the master begins to stop: none starts after, and the one
 * that runs is destroyed, its thread interrupted, which {@link BoundedCommand} answers by
 * destroying its process.
 * <p>
 * Not under {@code nice}: a niced creation beside busy workers got a few percent of a
 * core and, in this project's build beside its other tests, did not end within 5 minutes,
 * during which every new worker boots without the cache. One processor and the C1
 * compiler already keep its share to about one core, for seconds.
 */
final class HelperJvms implements BoundedCommand.Runner {

	/**
	 * The options of both helper JVMs: one processor and the C1 compiler only (for a few
	 * to tens of seconds of work, C2 costs more CPU than it saves), so that they take
	 * little of the CPU the workers booting or serving beside them need on the 1-2 CPU
	 * hosts this runs on.
	 */
	static final List<String> OPTIONS = List.of("-XX:ActiveProcessorCount=1", "-XX:TieredStopAtLevel=1");

	private final BoundedCommand.Runner commands;

	private boolean closed;

	private @Nullable Thread running;

	HelperJvms(BoundedCommand.Runner commands) {
		this.commands = commands;
	}

	@Override
	public BoundedCommand.Result run(List<String> command, Duration timeout) throws IOException {
		synchronized (this) {
			if (this.closed) {
				throw new IOException("the master stops");
			}
			this.running = Thread.currentThread();
		}
		try {
			return this.commands.run(command, timeout);
		}
		finally {
			synchronized (this) {
				this.running = null;
			}
		}
	}

	synchronized boolean closed() {
		return this.closed;
	}

	synchronized void close() {
		this.closed = true;
		if (this.running != null) {
			this.running.interrupt();
		}
	}

}
