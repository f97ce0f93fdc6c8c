package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.model.ModelDecision;
import io.github.bootconcurrency.autoconfigure.multijvm.ForwardedAllowIps;
import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmProperties.Balancer;
import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmProperties;
import io.github.bootconcurrency.autoconfigure.multijvm.UpstreamHeaders;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencyProperties;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;
import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;
import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import io.github.bootconcurrency.autoconfigure.validation.SettingsChecks;
import io.github.bootconcurrency.autoconfigure.validation.Violation;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The master's configuration, read and checked as a whole: at startup, and again on every
 * reload, where a configuration that does not pass is reported and the running one kept.
 *
 * @param settings the {@code concurrency.multi-jvm.*} settings
 * @param workers the number of workers, 'auto' resolved
 * @param address the address the application is served on
 * @param port the port the application is served on
 * @param backlog the listen backlog of that port, as a worker would resolve it
 * @param workerCapacity the requests one worker handles at once: the request limit of the
 * settings it runs with, its platform threads or its cap on virtual threads
 * @param keepAlive how long a worker keeps an idle connection open, as it resolves it
 * @param queueTimeout how long a request waits at the master for a ready worker
 * @param ownManagementPort whether the actuator has a port of its own
 * ({@code management.server.port}), which each worker must then choose for itself
 * @param listenerLimits what the proxy's listener grants one client
 * @param requestTimeout the workers' request timeout, or {@code null} if their requests
 * have no deadline
 * @param balancerReason why the balancer in {@code settings} was chosen, for the startup
 * line
 */
record MasterConfig(MultiJvmProperties settings, int workers, String address, int port, int backlog, int workerCapacity,
		Duration keepAlive, Duration queueTimeout, boolean ownManagementPort, ListenerLimits listenerLimits,
		@Nullable Duration requestTimeout, String balancerReason) {

	/**
	 * Most workers a master runs.
	 */
	static final int MAX_WORKERS = 256;

	/**
	 * What {@code shared-socket} costs, in the master's start line when it is chosen.
	 */
	static final String SHARED_SOCKET_TRADE_OFF = "an opt-in: no hop through the master, but a worker that crashes"
			+ " loses the requests on its connections, which the default proxy balancer retries on another worker";

	private static final List<String> WORKER_MODELS = List.of("platform", "virtual");

	/**
	 * Shortest request-header-timeout: a client's header may take more than one packet.
	 */
	static final Duration MIN_HEADER_TIMEOUT = Duration.ofMillis(100);

	/**
	 * Read the configuration from an environment.
	 * @param environment the environment, with the profiles' configuration loaded
	 * @return the configuration
	 * @throws InvalidSettingsException if a value cannot be used, by the master or by the
	 * workers
	 */
	static MasterConfig load(ConfigurableEnvironment environment) {
		return load(environment, SharedSocket.unsupportedReason());
	}

	/**
	 * Read the configuration from an environment, on a JVM and OS that can or cannot
	 * share a listening socket.
	 * @param environment the environment, with the profiles' configuration loaded
	 * @param sharedSocketUnsupported why the shared-socket balancer cannot work here, or
	 * empty if it can
	 * @return the configuration
	 */
	static MasterConfig load(ConfigurableEnvironment environment, Optional<String> sharedSocketUnsupported) {
		SettingsChecks checks = new SettingsChecks(environment);
		ChoiceFailures choiceFailures = new ChoiceFailures(environment, checks);
		ConcurrencyProperties properties = Binder.get(environment)
			.bind("concurrency", Bindable.of(ConcurrencyProperties.class), choiceFailures)
			.orElseGet(ConcurrencyProperties::new);
		MultiJvmProperties settings = Binder.get(environment)
			.bind("concurrency.multi-jvm", Bindable.of(MultiJvmProperties.class), choiceFailures)
			.orElseGet(MultiJvmProperties::new);
		RestartOnlyScope.check(environment, checks);
		int workers = workerCount(settings.getWorkers());
		if (workers < 1 || workers > MAX_WORKERS) {
			checks.add(Violation.notAllowed(ConfiguredValue.find(environment, "concurrency.multi-jvm.workers"),
					"concurrency.multi-jvm.workers", settings.getWorkers(),
					"'auto' or a whole number from 1 to " + MAX_WORKERS));
		}
		if (!WORKER_MODELS.contains(settings.getWorkerModel().value())) {
			checks.add(Violation.notAllowed(ConfiguredValue.find(environment, "concurrency.multi-jvm.worker-model"),
					"concurrency.multi-jvm.worker-model", settings.getWorkerModel().value(), "platform, virtual"));
		}
		Optional<String> unsupported = sharedSocketUnsupported;
		String balancerReason = chooseBalancer(settings, environment);
		if (settings.getBalancer() == Balancer.SHARED_SOCKET && unsupported.isPresent()) {
			checks.add(Violation.notAllowed(ConfiguredValue.find(environment, "concurrency.multi-jvm.balancer"),
					"concurrency.multi-jvm.balancer", "shared-socket",
					"proxy (shared-socket is not available here: " + unsupported.get() + ")"));
		}
		checks.duration("concurrency.multi-jvm.timeout", settings.getTimeout(), Duration.ofSeconds(1),
				ConcurrencySettings.MAX_DURATION);
		checks.duration("concurrency.multi-jvm.graceful-timeout", settings.getGracefulTimeout(), Duration.ZERO,
				ConcurrencySettings.MAX_DURATION);
		checks.duration("concurrency.multi-jvm.boot-timeout", settings.getBootTimeout(), Duration.ofSeconds(1),
				ConcurrencySettings.MAX_DURATION);
		if (settings.getQueueTimeout() != null) {
			checks.duration("concurrency.multi-jvm.queue-timeout", settings.getQueueTimeout(), Duration.ZERO,
					ConcurrencySettings.MAX_DURATION);
		}
		checks.duration("concurrency.multi-jvm.request-header-timeout", settings.getRequestHeaderTimeout(),
				MIN_HEADER_TIMEOUT, ConcurrencySettings.MAX_DURATION);
		int port = ServerKeys.port(environment, checks);
		int maxHeaderBytes = ServerKeys.maxHeaderBytes(environment, checks);
		String address = ServerKeys.address(environment, checks);
		checks.range("concurrency.multi-jvm.max-requests", settings.getMaxRequests(), 0, Integer.MAX_VALUE,
				"0 (never recycle) or a positive whole number");
		if (settings.getMaxRequests() > 0) {
			// Their sum is a worker's request budget: it must stay a whole number that an
			// int holds, as the worker's count is compared with it.
			long maxJitter = (long) Integer.MAX_VALUE - settings.getMaxRequests();
			checks.range("concurrency.multi-jvm.max-requests-jitter", settings.getMaxRequestsJitter(), 0, maxJitter,
					"0 to " + maxJitter + ", so that concurrency.multi-jvm.max-requests (" + settings.getMaxRequests()
							+ ") plus the jitter is at most " + Integer.MAX_VALUE);
		}
		else {
			checks.range("concurrency.multi-jvm.max-requests-jitter", settings.getMaxRequestsJitter(), 0, 0,
					"0 while concurrency.multi-jvm.max-requests is 0 (jitter only spreads recycling out)");
		}
		WorkerJvmOptions.check(settings.getJvmArgs(), environment, checks);
		HeapLimit.check(settings.getMaxHeapAfterGc(), environment, checks);
		ForwardingSettings.check(settings, environment, checks);
		ConcurrencySettings worker = WORKER_MODELS.contains(settings.getWorkerModel().value())
				? workerSettings(properties, settings.getWorkerModel(), environment, checks) : null;
		checks.throwIfInvalid();
		// The master's port takes the clients a single JVM would: the workers' own limits
		// (adopted server keys included) bound it, so no client gets more of the master.
		ListenerLimits limits = new ListenerLimits(worker.maxConnections(), maxHeaderBytes,
				settings.getRequestHeaderTimeout(), worker.keepAliveTimeout(), worker.keepAliveTimeout());
		return new MasterConfig(settings, workers, address, port, worker.backlog(), worker.requestLimit(),
				worker.keepAliveTimeout(),
				(settings.getQueueTimeout() != null) ? settings.getQueueTimeout() : settings.getBootTimeout(),
				ownManagementPort(environment), limits, worker.requestTimeout(), balancerReason);
	}

	/**
	 * Resolve the settings a worker will run with, as the worker itself will, so that the
	 * master sizes its side by the same numbers (a {@code server.tomcat.*} key adopted, a
	 * derived default), and a value the worker would refuse is reported here, with the
	 * master's own, before any worker starts.
	 */
	private static @Nullable ConcurrencySettings workerSettings(ConcurrencyProperties properties,
			ConcurrencyModel model, ConfigurableEnvironment environment, SettingsChecks checks) {
		ModelDecision decision = new ModelDecision(model, "concurrency.multi-jvm.worker-model=" + model.value(),
				List.of(environment.getActiveProfiles()));
		try {
			return ConcurrencySettings.resolve(properties, environment, decision);
		}
		catch (InvalidSettingsException ex) {
			ex.getViolations().forEach(checks::add);
			return null;
		}
	}

	/**
	 * Return the heap a worker may hold after a collection.
	 * @return the limit, {@link HeapLimit#NONE} if unset
	 */
	HeapLimit heapLimit() {
		return HeapLimit.parse(this.settings.getMaxHeapAfterGc());
	}

	/**
	 * Return the addresses trusted to set forwarding headers.
	 * @return the addresses
	 */
	ForwardedAllowIps forwardedAllowIps() {
		return ForwardedAllowIps.of(this.settings.getForwardedAllowIps());
	}

	/**
	 * Return the forwarding headers that the trusted addresses set.
	 * @return the headers
	 */
	UpstreamHeaders upstreamHeaders() {
		return UpstreamHeaders.of(this.settings.getForwardedHeaders());
	}

	private static boolean ownManagementPort(ConfigurableEnvironment environment) {
		String port = environment.getProperty("management.server.port");
		// -1 turns the actuator's server off; a port of its own is set to anything else.
		return port != null && !port.isBlank() && !port.trim().equals("-1");
	}

	/**
	 * Return a warning if an open-file limit is below what the proxy may open at once.
	 * @param openFileLimit the limit, or a negative number if unknown
	 * @return the warning, if any
	 */
	Optional<String> descriptorShortfall(long openFileLimit) {
		if (this.settings.getBalancer() != Balancer.PROXY) {
			return Optional.empty();
		}
		return this.listenerLimits.descriptorShortfall(this.workers,
				Math.min(this.workerCapacity, ProxyBalancer.MAX_CONNECTIONS_PER_WORKER), openFileLimit);
	}

	/**
	 * Fill in the balancer when none is set: the proxy, which keeps multi-jvm's
	 * guarantees on every OS and JDK. {@code shared-socket} is faster, but only the proxy
	 * can retry on another worker a request that a crashed worker never answered, so it
	 * is an opt-in whose cost is stated at startup.
	 * @return why the balancer in force was chosen
	 */
	private static String chooseBalancer(MultiJvmProperties settings, ConfigurableEnvironment environment) {
		if (settings.getBalancer() != null) {
			ConfiguredValue set = ConfiguredValue.find(environment, "concurrency.multi-jvm.balancer");
			String origin = (set != null) ? set.describe() : "concurrency.multi-jvm.balancer";
			return (settings.getBalancer() == Balancer.SHARED_SOCKET) ? origin + "; " + SHARED_SOCKET_TRADE_OFF
					: origin;
		}
		settings.setBalancer(Balancer.PROXY);
		return "the default: the master retries on another worker a request that a crashed worker never answered;"
				+ " concurrency.multi-jvm.balancer=shared-socket saves the hop through the master, not that request";
	}

	/**
	 * Return the balancer's name, as users write it.
	 * @return the name
	 */
	String balancerName() {
		return this.settings.getBalancer().name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * Reports a value that is not one of a key's choices with the master's other
	 * violations, listing the choices as users write them, rather than failing the
	 * binding on the first one with every enum constant listed.
	 */
	private static final class ChoiceFailures extends AbstractBindHandler {

		private static final Map<String, String> CHOICES = Map.of("concurrency.multi-jvm.balancer",
				"proxy, shared-socket", "concurrency.multi-jvm.worker-model", String.join(", ", WORKER_MODELS));

		private final ConfigurableEnvironment environment;

		private final SettingsChecks checks;

		ChoiceFailures(ConfigurableEnvironment environment, SettingsChecks checks) {
			this.environment = environment;
			this.checks = checks;
		}

		@Override
		public @Nullable Object onFailure(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
				Exception error) throws Exception {
			String key = name.toString();
			String choices = CHOICES.get(key);
			if (choices == null) {
				return super.onFailure(name, target, context, error);
			}
			ConfiguredValue configured = ConfiguredValue.find(this.environment, key);
			this.checks
				.add(Violation.notAllowed(configured, key, (configured != null) ? configured.value() : "", choices));
			// The default stands in until the checks fail, with every violation.
			return null;
		}

	}

	/**
	 * Return the number of workers 'workers' stands for.
	 * @param workers a whole number or 'auto'
	 * @return the number, or -1 if it is neither
	 */
	static int workerCount(String workers) {
		String value = (workers != null) ? workers.trim() : "";
		if ("auto".equalsIgnoreCase(value)) {
			return Runtime.getRuntime().availableProcessors();
		}
		try {
			return Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * Return the arguments that make a process a worker of this configuration: they come
	 * last on its command line, so they win over the master's own. The worker's server
	 * binds a port of its own choosing (port 0) on loopback and reports it to the master;
	 * under shared-socket it accepts on the master's socket instead.
	 * @return the arguments
	 */
	List<String> workerArguments() {
		List<String> arguments = new ArrayList<>(
				List.of("--concurrency.model=" + this.settings.getWorkerModel().value(), "--server.port=0",
						"--server.address=127.0.0.1"));
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
		if (this.settings.getBalancer() != Balancer.PROXY) {
			arguments.addAll(ForwardingSettings.workerArguments(this.settings));
			// Clients reach the workers' servers directly, which bound the header
			// themselves (HeaderDeadlineSweeper), with the value the master checked;
			// behind the proxy, the master's listener does.
			arguments.add("--concurrency.multi-jvm.request-header-timeout="
					+ this.settings.getRequestHeaderTimeout().toMillis() + "ms");
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
		if (this.settings.getBalancer() != next.settings.getBalancer()) {
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
		if (!Objects.equals(this.settings.getPidfile(), next.settings.getPidfile())) {
			changes.append(" concurrency.multi-jvm.pidfile");
		}
		if (!this.queueTimeout.equals(next.queueTimeout)) {
			changes.append(" concurrency.multi-jvm.queue-timeout");
		}
		changes.append(ForwardingSettings.changes(this.settings, next.settings));
		if (this.settings.getBalancer() == Balancer.PROXY) {
			changes.append(this.listenerLimits.changedKeys(next.listenerLimits));
		}
		return changes.isEmpty() ? null : changes.toString().trim().replace(" ", ", ");
	}

	/**
	 * Return this configuration, read on reload, with the settings that take a restart of
	 * the master kept as they run, saying so if any differs.
	 * @param running the configuration the master runs
	 * @param log where the warning goes
	 * @return the configuration to apply
	 */
	MasterConfig keepingRestartOnlySettingsOf(MasterConfig running, Consumer<String> log) {
		String restartOnly = running.restartOnlyChanges(this);
		if (restartOnly == null) {
			return this;
		}
		log.accept("WARNING: changing " + restartOnly + " takes a restart of the master: the running value(s) stay");
		this.settings.setBalancer(running.settings.getBalancer());
		this.settings.setPidfile(running.settings.getPidfile());
		ForwardingSettings.keep(running.settings, this.settings);
		return new MasterConfig(this.settings, this.workers, running.address, running.port, running.backlog,
				this.workerCapacity, this.keepAlive, running.queueTimeout, this.ownManagementPort,
				running.listenerLimits, this.requestTimeout, running.balancerReason);
	}

}
