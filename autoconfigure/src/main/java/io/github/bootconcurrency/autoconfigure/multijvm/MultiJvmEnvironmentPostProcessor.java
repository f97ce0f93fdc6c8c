package io.github.bootconcurrency.autoconfigure.multijvm;

import java.util.Locale;
import java.util.Optional;

import io.github.bootconcurrency.autoconfigure.ConcurrencyProperties.MultiJvm;
import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.model.ModelDecision;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.env.RandomValuePropertySource;
import org.springframework.core.Ordered;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.ResourceLoader;

/**
 * Turns {@code java -jar app.jar} into the multi-jvm master when the active profiles
 * choose {@code concurrency.model: multi-jvm}, with no launcher script and no change to
 * the application's {@code main}.
 *
 * <p>
 * It runs once the profiles' configuration is loaded and before any application context
 * exists, so the master never creates an application bean nor opens a database or Redis
 * connection: it runs the {@link Arbiter} and exits with its status. On reload, the master
 * reads the configuration again the way Spring Boot read it at startup: the same
 * command-line arguments, profiles and locations, files read anew. In a worker (the
 * master sets {@link WorkerEnvironment}), it only starts the watch that ends the worker
 * within a second of the master's death, so that orphans never serve stale code.
 */
class MultiJvmEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	private static final String DEFAULT_PROPERTIES = "defaultProperties";

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Optional<WorkerEnvironment> worker = WorkerEnvironment.current();
		if (worker.isPresent()) {
			MasterWatch.start(worker.get().masterPid());
			return;
		}
		String model = environment.getProperty(ModelDecision.MODEL_KEY);
		if (model == null || ConcurrencyModel.fromValue(model) != ConcurrencyModel.MULTI_JVM) {
			return;
		}
		MasterConfig config = MasterConfig.load(environment);
		Balancer balancer = (config.settings().getBalancer() == MultiJvm.Balancer.SHARED_SOCKET)
				? new SharedSocketBalancer(config.address(), config.port(), config.backlog())
				: new ProxyBalancer(config.address(), config.port(), config.backlog(), config.workerCapacity(),
						config.keepAlive());
		Arbiter arbiter = new Arbiter(config, () -> MasterConfig.load(reread(environment, application)),
				WorkerLaunch.ofCurrentProcess(), balancer,
				config.settings().getBalancer().name().toLowerCase(Locale.ROOT).replace('_', '-'), System.out);
		System.exit(arbiter.run());
	}

	/**
	 * Read the configuration again as Spring Boot read it at startup: a fresh environment
	 * with the same command-line arguments and default properties, and the application's
	 * configuration files read anew.
	 */
	static ConfigurableEnvironment reread(ConfigurableEnvironment original, SpringApplication application) {
		StandardEnvironment fresh = new StandardEnvironment();
		PropertySource<?> commandLine = original.getPropertySources()
			.get(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME);
		if (commandLine != null) {
			fresh.getPropertySources().addFirst(commandLine);
		}
		PropertySource<?> defaults = original.getPropertySources().get(DEFAULT_PROPERTIES);
		if (defaults != null) {
			fresh.getPropertySources().addLast(defaults);
		}
		RandomValuePropertySource.addToEnvironment(fresh);
		ResourceLoader resourceLoader = (application.getResourceLoader() != null) ? application.getResourceLoader()
				: new DefaultResourceLoader(application.getClassLoader());
		ConfigDataEnvironmentPostProcessor.applyTo(fresh, resourceLoader, new DefaultBootstrapContext(),
				application.getAdditionalProfiles());
		return fresh;
	}

}
