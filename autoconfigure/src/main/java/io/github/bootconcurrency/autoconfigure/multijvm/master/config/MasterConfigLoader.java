package io.github.bootconcurrency.autoconfigure.multijvm.master.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.bootconcurrency.autoconfigure.scope.StarterScope;
import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.model.ModelDecision;
import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmProperties.Balancer;
import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmProperties;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheSetting;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencyProperties;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;
import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;
import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import io.github.bootconcurrency.autoconfigure.validation.SettingsChecks;
import io.github.bootconcurrency.autoconfigure.validation.Violation;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Reads the master's configuration from an environment, checks it as a whole, the
 * master's keys and the workers' alike, and resolves it into a {@link MasterConfig}. The
 * bound properties objects are read, never changed, and do not outlive the call.
 */
public final class MasterConfigLoader {

	/**
	 * What {@code shared-socket} costs, in the master's start line when it is chosen.
	 */
	static final String SHARED_SOCKET_TRADE_OFF = "an opt-in: no hop through the master, but a worker that crashes"
			+ " loses the requests on its connections, which the default proxy balancer retries on another worker";

	/**
	 * Shortest request-header-timeout: a client's header may take more than one packet.
	 */
	static final Duration MIN_HEADER_TIMEOUT = Duration.ofMillis(100);

	private static final List<String> WORKER_MODELS = List.of("platform", "virtual");

	private static final String RESTART = " while the master runs: changing it takes a restart of the master";

	private MasterConfigLoader() {
	}

	/**
	 * Read the configuration from an environment, on a JVM and OS that can or cannot
	 * share a listening socket.
	 * @param environment the environment, with the profiles' configuration loaded
	 * @param sharedSocketUnsupported why the shared-socket balancer cannot work here, or
	 * empty if it can
	 * @return the configuration
	 * @throws InvalidSettingsException if a value cannot be used, by the master or by the
	 * workers
	 */
	public static MasterConfig load(ConfigurableEnvironment environment, Optional<String> sharedSocketUnsupported) {
		SettingsChecks checks = new SettingsChecks(environment);
		ChoiceFailures choiceFailures = new ChoiceFailures(environment, checks);
		ConcurrencyProperties properties = Binder.get(environment)
			.bind("concurrency", Bindable.of(ConcurrencyProperties.class), choiceFailures)
			.orElseGet(ConcurrencyProperties::new);
		MultiJvmProperties settings = Binder.get(environment)
			.bind("concurrency.multi-jvm", Bindable.of(MultiJvmProperties.class), choiceFailures)
			.orElseGet(MultiJvmProperties::new);
		checkRestartOnlyScope(environment, checks);
		int workers = workerCount(settings.getWorkers());
		if (workers < 1 || workers > MasterConfig.MAX_WORKERS) {
			checks.add(Violation.notAllowed(ConfiguredValue.find(environment, "concurrency.multi-jvm.workers"),
					"concurrency.multi-jvm.workers", settings.getWorkers(),
					"'auto' or a whole number from 1 to " + MasterConfig.MAX_WORKERS));
		}
		ConcurrencyModel workerModel = settings.getWorkerModel();
		if (!WORKER_MODELS.contains(workerModel.value())) {
			checks.add(Violation.notAllowed(ConfiguredValue.find(environment, "concurrency.multi-jvm.worker-model"),
					"concurrency.multi-jvm.worker-model", workerModel.value(), "platform, virtual"));
		}
		Balancer balancer = (settings.getBalancer() != null) ? settings.getBalancer() : Balancer.PROXY;
		String balancerReason = balancerReason(settings.getBalancer(), environment);
		if (balancer == Balancer.SHARED_SOCKET && sharedSocketUnsupported.isPresent()) {
			checks.add(Violation.notAllowed(ConfiguredValue.find(environment, "concurrency.multi-jvm.balancer"),
					"concurrency.multi-jvm.balancer", "shared-socket",
					"proxy (shared-socket is not available here: " + sharedSocketUnsupported.get() + ")"));
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
		checkMaxRequests(settings, checks);
		WorkerJvmOptions.check(settings.getJvmArgs(), environment, checks);
		WorkerJvmOptions.checkMasterOptions(settings.getMasterJvmArgs(), environment, checks);
		HeapLimit.check(settings.getMaxHeapAfterGc(), environment, checks);
		ForwardingSettings.check(settings, environment, checks);
		// The workers run the master's own JVM (JvmWorkerLauncher), so its version
		// decides.
		AotCacheSetting aotCache = AotCacheSetting.check(settings.getAotCache(), Runtime.version(), environment,
				checks);
		ConcurrencySettings worker = WORKER_MODELS.contains(workerModel.value())
				? workerSettings(properties, workerModel, environment, checks) : null;
		checks.throwIfInvalid();
		// The master's port takes the clients a single JVM would: the workers' own limits
		// (adopted server keys included) bound it, so no client gets more of the master.
		ListenerLimits limits = new ListenerLimits(worker.maxConnections(), maxHeaderBytes,
				settings.getRequestHeaderTimeout(), worker.keepAliveTimeout(), worker.keepAliveTimeout());
		MasterConfig.Timeouts timeouts = new MasterConfig.Timeouts(settings.getTimeout(), settings.getGracefulTimeout(),
				settings.getBootTimeout(),
				(settings.getQueueTimeout() != null) ? settings.getQueueTimeout() : settings.getBootTimeout(),
				settings.getRequestHeaderTimeout());
		MasterConfig.Recycling recycling = new MasterConfig.Recycling(settings.getMaxRequests(),
				settings.getMaxRequestsJitter(), HeapLimit.parse(settings.getMaxHeapAfterGc()));
		return new MasterConfig(workers, workerModel, balancer, balancerReason, timeouts, recycling,
				settings.getJvmArgs(), settings.getPidfile(), ForwardingSettings.of(settings), address, port,
				worker.backlog(), ownManagementPort(environment), limits, worker, aotCache,
				settings.getMasterJvmArgs());
	}

	/**
	 * Check the settings that decide whether this JVM is a multi-jvm master at all: the
	 * model, the starter's switch and the kind of application. A running master was
	 * started with them; its workers read the configuration files again, and one that
	 * finds the starter off, or is no servlet application, never registers. So a reload
	 * that changes them is refused, as a change of model is, rather than applied.
	 */
	private static void checkRestartOnlyScope(ConfigurableEnvironment environment, SettingsChecks checks) {
		// Set to anything but multi-jvm, an unknown value included.
		String model = environment.getProperty(ModelDecision.MODEL_KEY, "");
		if (!model.isEmpty() && ModelDecision.chosen(environment).orElse(null) != ConcurrencyModel.MULTI_JVM) {
			checks.add(Violation.notAllowed(ConfiguredValue.find(environment, ModelDecision.MODEL_KEY),
					ModelDecision.MODEL_KEY, model, "multi-jvm while the master runs: changing the model of a "
							+ "running master takes a restart of the master"));
		}
		try {
			String off = StarterScope.offBecause(environment);
			if (off != null && off.startsWith(StarterScope.ENABLED_KEY)) {
				checks.add(Violation.notAllowed(ConfiguredValue.find(environment, StarterScope.ENABLED_KEY),
						StarterScope.ENABLED_KEY, false, "true" + RESTART));
			}
		}
		catch (InvalidSettingsException ex) {
			ex.getViolations().forEach(checks::add);
		}
		ConfiguredValue type = ConfiguredValue.find(environment, StarterScope.WEB_APPLICATION_TYPE_KEY);
		if (type != null && StarterScope.webApplicationType(environment, null) != WebApplicationType.SERVLET) {
			checks.add(Violation.notAllowed(type, StarterScope.WEB_APPLICATION_TYPE_KEY,
					environment.resolvePlaceholders(String.valueOf(type.value())), "servlet" + RESTART));
		}
	}

	private static void checkMaxRequests(MultiJvmProperties settings, SettingsChecks checks) {
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
	}

	/**
	 * Resolve the settings a worker will run with, as the worker itself will, so that the
	 * master sizes its side by the same numbers (a {@code server.tomcat.*} key adopted, a
	 * derived default), and a value the worker would refuse is reported here, with the
	 * master's own, before any worker starts.
	 */
	private static @Nullable ConcurrencySettings workerSettings(ConcurrencyProperties properties,
			ConcurrencyModel workerModel, ConfigurableEnvironment environment, SettingsChecks checks) {
		ModelDecision decision = ModelDecision.forWorkers(workerModel, List.of(environment.getActiveProfiles()));
		try {
			return ConcurrencySettings.resolve(properties, environment, decision);
		}
		catch (InvalidSettingsException ex) {
			ex.getViolations().forEach(checks::add);
			return null;
		}
	}

	private static boolean ownManagementPort(ConfigurableEnvironment environment) {
		String port = environment.getProperty("management.server.port");
		// -1 turns the actuator's server off; a port of its own is set to anything else.
		return port != null && !port.isBlank() && !port.trim().equals("-1");
	}

	/**
	 * Say why the balancer in force was chosen. When none is set it is the proxy, which
	 * keeps multi-jvm's guarantees on every OS and JDK. {@code shared-socket} is faster,
	 * but only the proxy can retry on another worker a request that a crashed worker
	 * never answered, so it is an opt-in whose cost is stated at startup.
	 */
	private static String balancerReason(@Nullable Balancer set, ConfigurableEnvironment environment) {
		if (set != null) {
			ConfiguredValue configured = ConfiguredValue.find(environment, "concurrency.multi-jvm.balancer");
			String origin = (configured != null) ? configured.describe() : "concurrency.multi-jvm.balancer";
			return (set == Balancer.SHARED_SOCKET) ? origin + "; " + SHARED_SOCKET_TRADE_OFF : origin;
		}
		return "the default: the master retries on another worker a request that a crashed worker never answered;"
				+ " concurrency.multi-jvm.balancer=shared-socket saves the hop through the master, not that request";
	}

	/**
	 * Return the number of workers 'workers' stands for.
	 * @param workers a whole number or 'auto'
	 * @return the number, or -1 if it is neither
	 */
	static int workerCount(@Nullable String workers) {
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

}
