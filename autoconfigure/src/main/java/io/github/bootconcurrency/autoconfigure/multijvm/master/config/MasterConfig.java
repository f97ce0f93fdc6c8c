package io.github.bootconcurrency.autoconfigure.multijvm.master.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.multijvm.ForwardedAllowIps;
import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmProperties.Balancer;
import io.github.bootconcurrency.autoconfigure.multijvm.UpstreamHeaders;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheSetting;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;

import org.jspecify.annotations.Nullable;

/**
 * The master's configuration, read and checked as a whole by {@link MasterConfigLoader}:
 * at startup, and again on every reload, where a configuration that does not pass is
 * reported and the running one kept. Every value is resolved ('auto', the balancer left
 * unset, a queue timeout left unset) and immutable: a reload replaces the whole record.
 *
 * @param workers the number of workers, 'auto' resolved
 * @param workerModel the model each worker runs
 * @param balancer how requests reach the workers, the default filled in
 * @param balancerReason why that balancer was chosen, for the startup line
 * @param timeouts the master's timeouts
 * @param recycling when a worker is replaced for its requests or its heap
 * @param jvmArgs the extra JVM options of every worker
 * @param pidfile where the master writes its process id, or {@code null}
 * @param forwarding whom the master trusts to set forwarding headers, and which
 * @param address the address the application is served on
 * @param port the port the application is served on
 * @param backlog the listen backlog of that port, as a worker would resolve it
 * @param ownManagementPort whether the actuator has a port of its own
 * ({@code management.server.port}), which each worker must then choose for itself
 * @param listenerLimits what the proxy's listener grants one client
 * @param workerSettings the settings a worker will run with, resolved as the worker
 * itself will, from this reading of the configuration; a reload keeps the running
 * {@code backlog} and {@code listenerLimits}, so read those, not this one's
 * @param aotCache the workers' ahead-of-time cache as configured; what the launch makes
 * of it (on a JVM without caches, without {@code java -jar}) is decided where the launch
 * is known
 * @param masterJvmArgs the JVM options of the master's own JVM, empty for none
 */
public record MasterConfig(int workers, ConcurrencyModel workerModel, Balancer balancer, String balancerReason,
		Timeouts timeouts, Recycling recycling, List<String> jvmArgs, @Nullable Path pidfile,
		ForwardingSettings forwarding, String address, int port, int backlog, boolean ownManagementPort,
		ListenerLimits listenerLimits, ConcurrencySettings workerSettings, AotCacheSetting aotCache,
		List<String> masterJvmArgs) {

	/**
	 * Most workers a master runs.
	 */
	public static final int MAX_WORKERS = 256;

	public MasterConfig {
		jvmArgs = List.copyOf(jvmArgs);
		masterJvmArgs = List.copyOf(masterJvmArgs);
	}

	// The workers' and the master's JVM options are left out: users put passwords there
	// (-Djavax.net.ssl.keyStorePassword=...), and this record travels in the loop's
	// events, which a log line or a failed assertion may print.
	@Override
	public String toString() {
		return "MasterConfig[workers=" + this.workers + ", workerModel=" + this.workerModel + ", balancer="
				+ this.balancer + ", balancerReason=" + this.balancerReason + ", timeouts=" + this.timeouts
				+ ", recycling=" + this.recycling + ", jvmArgs=[" + this.jvmArgs.size() + " not shown], pidfile="
				+ this.pidfile + ", forwarding=" + this.forwarding + ", address=" + this.address + ", port=" + this.port
				+ ", backlog=" + this.backlog + ", ownManagementPort=" + this.ownManagementPort + ", listenerLimits="
				+ this.listenerLimits + ", workerSettings=" + this.workerSettings + ", aotCache=" + this.aotCache
				+ ", masterJvmArgs=[" + this.masterJvmArgs.size() + " not shown]]";
	}

	/**
	 * The master's timeouts ({@code concurrency.multi-jvm.*}).
	 *
	 * @param timeout longest a ready worker may go without a heartbeat
	 * @param graceful longest a stopping worker may take to finish its requests
	 * @param boot longest a new worker may take to become ready
	 * @param queue longest a request waits at the master for a ready worker: the boot
	 * timeout when unset
	 * @param requestHeader longest a client may take to send a request's header
	 */
	public record Timeouts(Duration timeout, Duration graceful, Duration boot, Duration queue, Duration requestHeader) {

	}

	/**
	 * When a worker is replaced for what it did rather than for failing.
	 *
	 * @param maxRequests the requests after which a worker is replaced, 0 for never
	 * @param maxRequestsJitter the most requests added at random to each worker's budget
	 * @param heapLimit the heap a worker may hold after a collection,
	 * {@link HeapLimit#NONE} if unset
	 */
	public record Recycling(int maxRequests, int maxRequestsJitter, HeapLimit heapLimit) {

	}

	/**
	 * Return the requests one worker handles at once: the request limit of the settings
	 * it runs with, its platform threads or its cap on virtual threads.
	 * @return the requests
	 */
	public int workerCapacity() {
		return this.workerSettings.requestLimit();
	}

	/**
	 * Return how long a worker keeps an idle connection open, as it resolves it.
	 * @return the time
	 */
	public Duration keepAlive() {
		return this.workerSettings.keepAliveTimeout();
	}

	/**
	 * Return the workers' request timeout.
	 * @return the timeout, or {@code null} if their requests have no deadline
	 */
	public @Nullable Duration requestTimeout() {
		return this.workerSettings.requestTimeout();
	}

	/**
	 * Return how long a request waits at the master for a ready worker.
	 * @return the time
	 */
	public Duration queueTimeout() {
		return this.timeouts.queue();
	}

	/**
	 * Return the heap a worker may hold after a collection.
	 * @return the limit, {@link HeapLimit#NONE} if unset
	 */
	public HeapLimit heapLimit() {
		return this.recycling.heapLimit();
	}

	/**
	 * Return the addresses trusted to set forwarding headers.
	 * @return the addresses
	 */
	public ForwardedAllowIps forwardedAllowIps() {
		return this.forwarding.forwardedAllowIps();
	}

	/**
	 * Return the forwarding headers that the trusted addresses set.
	 * @return the headers
	 */
	public UpstreamHeaders upstreamHeaders() {
		return this.forwarding.upstreamHeaders();
	}

	/**
	 * Return a warning if an open-file limit is below what the proxy may open at once.
	 * @param openFileLimit the limit, or a negative number if unknown
	 * @return the warning, if any
	 */
	public Optional<String> descriptorShortfall(long openFileLimit) {
		if (this.balancer != Balancer.PROXY) {
			return Optional.empty();
		}
		return this.listenerLimits.descriptorShortfall(this.workers,
				Math.min(workerCapacity(), ListenerLimits.MAX_CONNECTIONS_PER_WORKER), openFileLimit);
	}

	/**
	 * Return the balancer's name, as users write it.
	 * @return the name
	 */
	public String balancerName() {
		return this.balancer.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * Return the arguments that make a process a worker of this configuration: they come
	 * last on its command line, so they win over the master's own. The worker's server
	 * binds a port of its own choosing (port 0) on loopback and reports it to the master;
	 * under shared-socket it accepts on the master's socket instead.
	 * @return the arguments
	 */
	public List<String> workerArguments() {
		List<String> arguments = new ArrayList<>(List.of("--concurrency.model=" + this.workerModel.value(),
				"--server.port=0", "--server.address=127.0.0.1"));
		if (this.ownManagementPort) {
			// Workers cannot all bind the one port: each takes one of its own on
			// loopback.
			arguments.add("--management.server.port=0");
			arguments.add("--management.server.address=127.0.0.1");
		}
		// The server's own handling of forwarding headers would trust them from anyone
		// who reaches a worker's port. The workers drop them instead, but from the
		// master's proxy, which proves itself with a secret, or under shared-socket from
		// the addresses the master was told to trust (MultiJvmWorkerAutoConfiguration).
		arguments.add("--server.forward-headers-strategy=none");
		if (this.balancer != Balancer.PROXY) {
			arguments.addAll(this.forwarding.workerArguments());
			// Clients reach the workers' servers directly, which bound the header
			// themselves (HeaderDeadlineSweeper), with the value the master checked;
			// behind the proxy, the master's listener does.
			arguments.add("--concurrency.multi-jvm.request-header-timeout=" + this.timeouts.requestHeader().toMillis()
					+ "ms");
		}
		return arguments;
	}

	/**
	 * Return what a reload cannot change without restarting the master, in the user's
	 * words, or {@code null} if nothing.
	 * @param next the configuration read on reload
	 * @return what differs
	 */
	@Nullable String restartOnlyChanges(MasterConfig next) {
		StringBuilder changes = new StringBuilder();
		if (this.balancer != next.balancer) {
			changes.append(" concurrency.multi-jvm.balancer");
		}
		if (!this.address.equals(next.address)) {
			changes.append(" server.address");
		}
		if (this.port != next.port) {
			changes.append(" server.port");
		}
		if (this.backlog != next.backlog) {
			changes.append(" concurrency.backlog");
		}
		if (!Objects.equals(this.pidfile, next.pidfile)) {
			changes.append(" concurrency.multi-jvm.pidfile");
		}
		if (!queueTimeout().equals(next.queueTimeout())) {
			changes.append(" concurrency.multi-jvm.queue-timeout");
		}
		boolean bothOff = this.aotCache instanceof AotCacheSetting.Off && next.aotCache instanceof AotCacheSetting.Off;
		if (!bothOff && !this.aotCache.equals(next.aotCache)) {
			// The master opens its cache store once, at startup. (Off for another reason,
			// unset or off, is no change.)
			changes.append(" concurrency.multi-jvm.aot-cache");
		}
		if (!this.masterJvmArgs.equals(next.masterJvmArgs)) {
			// The master's JVM is started once.
			changes.append(" concurrency.multi-jvm.master-jvm-args");
		}
		changes.append(this.forwarding.changes(next.forwarding));
		if (this.balancer == Balancer.PROXY) {
			changes.append(this.listenerLimits.changedKeys(next.listenerLimits));
		}
		return changes.isEmpty() ? null : changes.toString().trim().replace(" ", ", ");
	}

	/**
	 * Return this configuration, read on reload, with the settings that take a restart of
	 * the master kept as they run, saying so if any differs.
	 * @param running the configuration the master runs
	 * @param log where the warning goes
	 * @return the configuration to apply: a new one, neither of the two changed
	 */
	public MasterConfig keepingRestartOnlySettingsOf(MasterConfig running, Consumer<String> log) {
		String restartOnly = running.restartOnlyChanges(this);
		if (restartOnly == null) {
			return this;
		}
		log.accept("WARNING: changing " + restartOnly + " takes a restart of the master: the running value(s) stay");
		Timeouts timeouts = new Timeouts(this.timeouts.timeout(), this.timeouts.graceful(), this.timeouts.boot(),
				running.timeouts.queue(), this.timeouts.requestHeader());
		return new MasterConfig(this.workers, this.workerModel, running.balancer, running.balancerReason, timeouts,
				this.recycling, this.jvmArgs, running.pidfile, running.forwarding, running.address, running.port,
				running.backlog, this.ownManagementPort, running.listenerLimits, this.workerSettings, running.aotCache,
				running.masterJvmArgs);
	}

}
