package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The store's helper JVMs (the extraction, the creation), one at a time, closed as the
 * master begins to stop: none starts after, and the one that runs is destroyed, its
 * thread interrupted, which {@link BoundedCommand} answers by destroying its process.
 */
final class HelperJvms implements BoundedCommand.Runner {

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
