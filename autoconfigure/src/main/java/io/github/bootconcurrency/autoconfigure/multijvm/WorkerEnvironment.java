package io.github.bootconcurrency.autoconfigure.multijvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlProtocol;
import org.jspecify.annotations.Nullable;

/**
 * What the multi-jvm master tells a worker JVM about itself, through system properties in
 * the worker's private argument file ({@code java @file}, readable only by the master's
 * user): they do not show in {@code ps}, and unlike environment variables no process that
 * the worker starts inherits them, so a child JVM of the same application neither gets
 * the worker's token nor takes itself for a worker. No port is among them: a worker binds
 * a port of its own choosing and tells the master which one over the control channel.
 *
 * @param id the worker's id, as its log lines show it
 * @param masterPid the master's process id, which the worker watches
 * @param channel the master's private control socket (a Unix domain socket)
 * @param token the secret that proves to the master that a connection comes from this
 * worker
 * @param inheritChannel whether the worker accepts connections on the listening socket it
 * inherited from the master (the {@code shared-socket} balancer)
 * @param heartbeat how often the worker tells the master it is alive
 * @param forwardingSecret the secret with which the master's proxy proves that it set a
 * request's forwarding headers ({@link ForwardingSecret}), or {@code null} when no proxy
 * forwards to the worker
 */
public record WorkerEnvironment(int id, long masterPid, Path channel, String token, boolean inheritChannel,
		Duration heartbeat, @Nullable String forwardingSecret) {

	/**
	 * Property with the worker's id.
	 */
	public static final String ID = "CONCURRENCY_WORKER_ID";

	/**
	 * Property with the master's pid.
	 */
	public static final String MASTER_PID = "CONCURRENCY_MASTER_PID";

	/**
	 * Property with the path of the master's control socket.
	 */
	public static final String CHANNEL = "CONCURRENCY_MASTER_CHANNEL";

	/**
	 * Property with the worker's secret token.
	 */
	public static final String TOKEN = "CONCURRENCY_WORKER_TOKEN";

	/**
	 * Property that says whether the worker accepts on the master's socket.
	 */
	public static final String INHERIT_CHANNEL = "CONCURRENCY_WORKER_INHERIT_CHANNEL";

	/**
	 * Property with the heartbeat interval, in milliseconds.
	 */
	public static final String HEARTBEAT_MILLIS = "CONCURRENCY_WORKER_HEARTBEAT_MILLIS";

	/**
	 * Property with the secret of the master's proxy.
	 */
	public static final String FORWARDING_SECRET = "CONCURRENCY_WORKER_FORWARDING_SECRET";

	/**
	 * Property with the path of the argument file the worker was started with, which it
	 * deletes as it starts.
	 */
	public static final String ARGUMENT_FILE = "CONCURRENCY_WORKER_ARGUMENT_FILE";

	/**
	 * How the name of the private directory of a master's argument files starts.
	 */
	public static final String ARGUMENT_FILE_DIRECTORY_PREFIX = "concurrency-worker-args-";

	private static final Pattern ARGUMENT_FILE_NAME = Pattern.compile("worker-\\d+-\\d+\\.args");

	private static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(1);

	/**
	 * Create the environment of a worker that no proxy forwards to.
	 * @param id the worker's id
	 * @param masterPid the master's process id
	 * @param channel the master's control socket
	 * @param token the worker's secret token
	 * @param inheritChannel whether the worker accepts on the master's socket
	 * @param heartbeat how often the worker tells the master it is alive
	 */
	public WorkerEnvironment(int id, long masterPid, Path channel, String token, boolean inheritChannel,
			Duration heartbeat) {
		this(id, masterPid, channel, token, inheritChannel, heartbeat, null);
	}

	/**
	 * Return the environment of this process if it is a worker of a multi-jvm master.
	 * Only system properties count: environment variables of these names, which a process
	 * started by a worker of an earlier version would have inherited, do not.
	 * @return the worker's environment, or empty outside a worker
	 */
	public static Optional<WorkerEnvironment> current() {
		return from(System::getProperty);
	}

	/**
	 * Delete the argument file this worker was started with, if it is one: what is left
	 * of the worker's command line then lives in its own JVM only. A path that does not
	 * look like one of the master's argument files is left alone.
	 */
	public static void deleteArgumentFile() {
		String file = System.getProperty(ARGUMENT_FILE);
		if (file == null) {
			return;
		}
		Path path = Path.of(file);
		Path parent = path.getParent();
		if (ARGUMENT_FILE_NAME.matcher(String.valueOf(path.getFileName())).matches() && parent != null
				&& String.valueOf(parent.getFileName()).startsWith(ARGUMENT_FILE_DIRECTORY_PREFIX)) {
			try {
				Files.deleteIfExists(path);
			}
			catch (IOException ex) {
				// The master deletes it when this worker exits.
			}
		}
	}

	/**
	 * Read a worker's environment from properties.
	 * @param variables the properties, by name
	 * @return the worker's environment, or empty if they do not make a worker
	 */
	public static Optional<WorkerEnvironment> from(Function<String, String> variables) {
		String id = variables.apply(ID);
		String masterPid = variables.apply(MASTER_PID);
		if (id == null || masterPid == null) {
			return Optional.empty();
		}
		String channel = variables.apply(CHANNEL);
		String heartbeat = variables.apply(HEARTBEAT_MILLIS);
		return Optional.of(new WorkerEnvironment(Integer.parseInt(id), Long.parseLong(masterPid),
				(channel != null) ? Path.of(channel) : null, variables.apply(TOKEN),
				Boolean.parseBoolean(variables.apply(INHERIT_CHANNEL)),
				(heartbeat != null) ? Duration.ofMillis(Long.parseLong(heartbeat)) : DEFAULT_HEARTBEAT,
				variables.apply(FORWARDING_SECRET)));
	}

	/**
	 * Return the socket on which a worker serves its own metrics to its master, in the
	 * master's private directory.
	 * @param directory the directory of the master's control channel
	 * @param id the worker's id
	 * @return the socket's path
	 */
	public static Path scrapeSocket(Path directory, int id) {
		return directory.resolve("worker-" + id + ".sock");
	}

	/**
	 * Return the socket on which this worker serves its own metrics to its master.
	 * @return the socket's path
	 */
	public Path scrapeSocket() {
		return scrapeSocket(this.channel.getParent(), this.id);
	}

	/**
	 * Return the system properties that make a process this worker.
	 * @return the properties, by name
	 */
	public Map<String, String> properties() {
		Map<String, String> variables = new HashMap<>();
		variables.put(ID, Integer.toString(this.id));
		variables.put(MASTER_PID, Long.toString(this.masterPid));
		if (this.channel != null) {
			variables.put(CHANNEL, this.channel.toString());
		}
		if (this.token != null) {
			variables.put(TOKEN, this.token);
		}
		variables.put(INHERIT_CHANNEL, Boolean.toString(this.inheritChannel));
		variables.put(HEARTBEAT_MILLIS, Long.toString(this.heartbeat.toMillis()));
		// The worker checks it: it may run a newer jar than this master, after a reload.
		variables.put(ControlProtocol.VERSION_PROPERTY, Integer.toString(ControlProtocol.VERSION));
		if (this.forwardingSecret != null) {
			variables.put(FORWARDING_SECRET, this.forwardingSecret);
		}
		return variables;
	}

	@Override
	public String toString() {
		// The token and the forwarding secret stay out of logs and error messages.
		return "WorkerEnvironment[id=" + this.id + ", masterPid=" + this.masterPid + ", channel=" + this.channel
				+ ", inheritChannel=" + this.inheritChannel + ", heartbeat=" + this.heartbeat.toMillis() + "ms]";
	}

}
