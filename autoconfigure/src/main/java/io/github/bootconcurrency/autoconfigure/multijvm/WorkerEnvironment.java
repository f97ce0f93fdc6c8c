package io.github.bootconcurrency.autoconfigure.multijvm;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the multi-jvm master tells a worker JVM about itself, through environment
 * variables rather than arguments: they do not show in {@code ps}, and a process's
 * environment is readable only by its own user, which keeps the worker's token private.
 *
 * @param id the worker's id, as its log lines show it
 * @param masterPid the master's process id, which the worker watches
 * @param channel the master's private control socket (a Unix domain socket)
 * @param token the secret that proves to the master that a connection comes from this
 * worker
 * @param probePort the loopback port the master probes this worker on, 0 when the
 * worker's own server port serves that purpose
 * @param inheritChannel whether the worker accepts connections on the listening socket
 * it inherited from the master (the {@code shared-socket} balancer)
 */
public record WorkerEnvironment(int id, long masterPid, Path channel, String token, int probePort,
		boolean inheritChannel) {

	static final String ID = "CONCURRENCY_WORKER_ID";

	static final String MASTER_PID = "CONCURRENCY_MASTER_PID";

	static final String CHANNEL = "CONCURRENCY_MASTER_CHANNEL";

	static final String TOKEN = "CONCURRENCY_WORKER_TOKEN";

	static final String PROBE_PORT = "CONCURRENCY_WORKER_PROBE_PORT";

	static final String INHERIT_CHANNEL = "CONCURRENCY_WORKER_INHERIT_CHANNEL";

	/**
	 * Return the environment of this process if it is a worker of a multi-jvm master.
	 * @return the worker's environment, or empty outside a worker
	 */
	public static Optional<WorkerEnvironment> current() {
		return from(System::getenv);
	}

	static Optional<WorkerEnvironment> from(Function<String, String> variables) {
		String id = variables.apply(ID);
		String masterPid = variables.apply(MASTER_PID);
		if (id == null || masterPid == null) {
			return Optional.empty();
		}
		String channel = variables.apply(CHANNEL);
		String probePort = variables.apply(PROBE_PORT);
		return Optional.of(new WorkerEnvironment(Integer.parseInt(id), Long.parseLong(masterPid),
				(channel != null) ? Path.of(channel) : null, variables.apply(TOKEN),
				(probePort != null) ? Integer.parseInt(probePort) : 0,
				Boolean.parseBoolean(variables.apply(INHERIT_CHANNEL))));
	}

	/**
	 * Return the variables that make a process this worker.
	 * @return the variables
	 */
	Map<String, String> variables() {
		Map<String, String> variables = new HashMap<>();
		variables.put(ID, Integer.toString(this.id));
		variables.put(MASTER_PID, Long.toString(this.masterPid));
		if (this.channel != null) {
			variables.put(CHANNEL, this.channel.toString());
		}
		if (this.token != null) {
			variables.put(TOKEN, this.token);
		}
		if (this.probePort != 0) {
			variables.put(PROBE_PORT, Integer.toString(this.probePort));
		}
		variables.put(INHERIT_CHANNEL, Boolean.toString(this.inheritChannel));
		return variables;
	}

	@Override
	public String toString() {
		// The token stays out of logs and error messages.
		return "WorkerEnvironment[id=" + this.id + ", masterPid=" + this.masterPid + ", channel=" + this.channel
				+ ", probePort=" + this.probePort + ", inheritChannel=" + this.inheritChannel + "]";
	}

}
