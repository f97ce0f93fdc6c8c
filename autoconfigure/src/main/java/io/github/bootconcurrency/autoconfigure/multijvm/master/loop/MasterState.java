package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.util.function.Consumer;

import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.WorkerBalancer;

/**
 * What the master runs: the configuration in force (which the balancer follows), the
 * number of workers to keep running and the reload generation. Changed on the loop only;
 * the target and the configuration are read by the control channel too.
 */
final class MasterState {

	private final WorkerBalancer balancer;

	private volatile MasterConfig config;

	private volatile int target;

	private int generation = 1;

	MasterState(MasterConfig config, WorkerBalancer balancer) {
		this.config = config;
		this.target = config.workers();
		this.balancer = balancer;
	}

	MasterConfig config() {
		return this.config;
	}

	int target() {
		return this.target;
	}

	int generation() {
		return this.generation;
	}

	/**
	 * Set the number of workers to keep running, within 1 and
	 * {@link MasterConfig#MAX_WORKERS}.
	 * @param workers the number asked for
	 * @return the target set
	 */
	int scale(int workers) {
		this.target = Math.max(1, Math.min(MasterConfig.MAX_WORKERS, workers));
		return this.target;
	}

	/**
	 * Put a configuration read again in force, as a new generation, keeping the settings
	 * that only a restart changes.
	 * @param read the configuration read
	 * @param log where a setting kept is reported
	 * @return the configuration it replaced
	 */
	MasterConfig reload(MasterConfig read, Consumer<String> log) {
		MasterConfig previous = this.config;
		MasterConfig next = read.keepingRestartOnlySettingsOf(previous, log);
		this.config = next;
		this.balancer.configure(next);
		this.target = next.workers();
		this.generation++;
		return previous;
	}

	/**
	 * Go back to the configuration a reload replaced. A count set since the reload (TTIN,
	 * TTOU, the actuator) stays; otherwise the previous count comes back with it.
	 * @param previous the configuration the reload replaced
	 */
	void abandonReload(MasterConfig previous) {
		if (this.target == this.config.workers()) {
			this.target = previous.workers();
		}
		this.config = previous;
		this.balancer.configure(previous);
	}

}
