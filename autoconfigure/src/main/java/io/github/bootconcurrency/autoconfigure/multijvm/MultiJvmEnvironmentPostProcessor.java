package io.github.bootconcurrency.autoconfigure.multijvm;

import java.time.Duration;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.ConcurrencyProperties;
import io.github.bootconcurrency.autoconfigure.ConcurrencyProperties.MultiJvm;
import io.github.bootconcurrency.autoconfigure.ConcurrencyProperties.MultiJvm.Balancer;
import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.model.ModelDecision;
import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;
import io.github.bootconcurrency.autoconfigure.validation.SettingsChecks;
import io.github.bootconcurrency.autoconfigure.validation.Violation;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Turns {@code java -jar app.jar} into the multi-jvm master when the active profiles
 * choose {@code concurrency.model: multi-jvm}, with no launcher script and no change to
 * the application's {@code main}.
 *
 * <p>
 * It runs once the profiles' configuration is loaded and before any application context
 * exists, so the master never creates an application bean nor opens a database or Redis
 * connection: it runs the {@link Arbiter} and exits with its status. In a worker (the
 * master sets {@value WorkerLaunch#WORKER_ID}), it only starts the watch that ends the
 * worker within a second of the master's death, so that orphans never serve stale code.
 */
class MultiJvmEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	private static final List<String> WORKER_MODELS = List.of("platform", "virtual");

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String workerId = System.getenv(WorkerLaunch.WORKER_ID);
		String masterPid = System.getenv(WorkerLaunch.MASTER_PID);
		if (workerId != null && masterPid != null) {
			MasterWatch.start(Long.parseLong(masterPid));
			return;
		}
		String model = environment.getProperty(ModelDecision.MODEL_KEY);
		if (model == null || ConcurrencyModel.fromValue(model) != ConcurrencyModel.MULTI_JVM) {
			return;
		}
		ConcurrencyProperties properties = Binder.get(environment)
			.bind("concurrency", ConcurrencyProperties.class)
			.orElseGet(ConcurrencyProperties::new);
		MultiJvm settings = properties.getMultiJvm();
		int workers = validate(settings, environment);
		List<String> workerArguments = List.of("--concurrency.model=" + settings.getWorkerModel().value(),
				"--server.address=127.0.0.1", "--management.endpoint.health.probes.enabled=true",
				"--server.forward-headers-strategy=native");
		int port = environment.getProperty("server.port", Integer.class, 8080);
		String address = environment.getProperty("server.address", "0.0.0.0");
		Arbiter arbiter = new Arbiter(settings, workers, WorkerLaunch.ofCurrentProcess(settings.getJvmArgs()),
				workerArguments, new ProxyBalancer(address, port, properties.getBacklog()), System.out);
		System.exit(arbiter.run());
	}

	private static int validate(MultiJvm settings, ConfigurableEnvironment environment) {
		SettingsChecks checks = new SettingsChecks(environment);
		int workers = -1;
		try {
			workers = Arbiter.workerCount(settings.getWorkers());
		}
		catch (NumberFormatException ex) {
			// Reported below as not allowed.
		}
		checks.range("concurrency.multi-jvm.workers", workers, 1, 256, "'auto' or a whole number from 1 to 256");
		if (!WORKER_MODELS.contains(settings.getWorkerModel().value())) {
			checks.add(Violation.notAllowed(ConfiguredValue.find(environment, "concurrency.multi-jvm.worker-model"),
					"concurrency.multi-jvm.worker-model", settings.getWorkerModel().value(), "platform, virtual"));
		}
		if (settings.getBalancer() != Balancer.PROXY) {
			checks.add(Violation.notAllowed(ConfiguredValue.find(environment, "concurrency.multi-jvm.balancer"),
					"concurrency.multi-jvm.balancer", "shared-socket", "proxy (shared-socket is not available yet)"));
		}
		checks.duration("concurrency.multi-jvm.timeout", settings.getTimeout(), Duration.ofSeconds(1),
				Duration.ofHours(1));
		checks.duration("concurrency.multi-jvm.graceful-timeout", settings.getGracefulTimeout(),
				Duration.ZERO, Duration.ofHours(1));
		checks.duration("concurrency.multi-jvm.boot-timeout", settings.getBootTimeout(),
				Duration.ofSeconds(1), Duration.ofHours(1));
		// Refused rather than ignored until this release recycles workers.
		checks.range("concurrency.multi-jvm.max-requests", settings.getMaxRequests(), 0, 0,
				"0 (recycling workers after max-requests is not available yet)");
		checks.range("concurrency.multi-jvm.max-requests-jitter", settings.getMaxRequestsJitter(), 0, 0,
				"0 (recycling workers after max-requests is not available yet)");
		checks.throwIfInvalid();
		return workers;
	}

}
