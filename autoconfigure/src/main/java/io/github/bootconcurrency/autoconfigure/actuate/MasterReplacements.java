package io.github.bootconcurrency.autoconfigure.actuate;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import io.github.bootconcurrency.autoconfigure.multijvm.worker.channel.MasterChannelClient;

/**
 * The master's replacements by reason, as a worker reads them for its metrics. The master
 * runs no meter registry; each worker publishes the master's figures, asking it at most
 * once a second however many meters a scrape reads, and keeping the last figures when the
 * master cannot be asked, so that a counter never goes back.
 */
final class MasterReplacements {

	private static final Duration FRESH = Duration.ofSeconds(1);

	private final MasterChannelClient master;

	private Map<String, Long> last = Map.of();

	private long readAtNanos;

	private boolean read;

	MasterReplacements(MasterChannelClient master) {
		this.master = master;
	}

	synchronized double count(String reason) {
		long now = System.nanoTime();
		if (!this.read || now - this.readAtNanos > FRESH.toNanos()) {
			this.read = true;
			this.readAtNanos = now;
			try {
				this.last = this.master.status().counters().replacements();
			}
			catch (IOException | IllegalArgumentException ex) {
				// The master is away or stopping: its figures did not go back.
			}
		}
		return this.last.getOrDefault(reason, 0L);
	}

}
