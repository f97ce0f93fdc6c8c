package io.github.bootconcurrency.autoconfigure.multijvm.startup;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.model.ModelDecision;
import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.multijvm.master.MasterMain;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerLaunch;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlProtocol;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.MasterWatch;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.socket.InheritedStandardInput;
import io.github.bootconcurrency.autoconfigure.scope.PostProcessorOrders;
import io.github.bootconcurrency.autoconfigure.scope.StarterScope;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Decides, once the profiles' configuration is loaded and before any application context
 * exists, which part this JVM plays in the multi-jvm model: a worker started by a master
 * (it watches its master, then runs the application), the master itself when the active
 * profiles choose {@code concurrency.model: multi-jvm} ({@link MasterMain} takes over the
 * JVM and never returns), or neither.
 *
 * <p>
 * So {@code java -jar app.jar} becomes the master with no launcher script and no change
 * to the application's {@code main}, and the master never creates an application bean nor
 * opens a database or Redis connection.
 */
class MultiJvmEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	private final DeferredLogFactory logFactory;

	private final Function<String, @Nullable String> systemProperties;

	/**
	 * Create the post-processor. The only public constructor, so the one Spring's
	 * factories loader chooses.
	 * @param logFactory where its warnings go
	 */
	public MultiJvmEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this(logFactory, System::getProperty);
	}

	MultiJvmEnvironmentPostProcessor(DeferredLogFactory logFactory,
			Function<String, @Nullable String> systemProperties) {
		this.logFactory = logFactory;
		this.systemProperties = systemProperties;
	}

	@Override
	public int getOrder() {
		return PostProcessorOrders.MULTI_JVM;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Optional<WorkerEnvironment> worker = WorkerEnvironment.from(this.systemProperties);
		if (worker.isPresent()) {
			// The argument file holds the worker's token and the proxy's secret: gone
			// first, whatever happens next.
			WorkerEnvironment.deleteArgumentFile();
			// Then, before anything starts: a worker that cannot talk to its master
			// (reloaded with a jar of another version) must not start the application.
			ControlProtocol.checkMaster(this.systemProperties.apply(ControlProtocol.VERSION_PROPERTY));
			MasterWatch.start(worker.get().masterPid());
			if (worker.get().inheritChannel()) {
				// Before any code of the application's can start a child process.
				InheritedStandardInput.detach();
			}
			return;
		}
		// After the worker's part: a worker exists only because its master ran the
		// starter.
		if (StarterScope.isOff(environment, application)) {
			notMasterAgain("the starter is off");
			return;
		}
		ConcurrencyModel model = ModelDecision.chosen(environment).orElse(null);
		if (model != ConcurrencyModel.MULTI_JVM) {
			notMasterAgain(ModelDecision.MODEL_KEY + " is " + model);
		}
		if (model == ConcurrencyModel.MULTI_JVM) {
			WebApplicationType type = StarterScope.webApplicationType(environment, application.getWebApplicationType());
			if (type != WebApplicationType.SERVLET) {
				notMasterAgain("it is not a servlet web application");
				// Its workers would never report a port, so a master would wait on them
				// for ever: a batch job or a command run from the web application's jar
				// with its profiles runs as the one JVM it is.
				this.logFactory.getLog(MultiJvmEnvironmentPostProcessor.class)
					.warn(ModelDecision.MODEL_KEY + "=multi-jvm is ignored: this is not a servlet web application ("
							+ String.valueOf(type).toLowerCase(Locale.ROOT) + "), so it runs as it is, without a "
							+ "master or workers");
				return;
			}
			MasterMain.run(environment, application);
		}
	}

	// A JVM started again as the master's own (a small heap, C1 only) that reads a
	// configuration in which it is no master (a remote source changed between the two
	// reads) must not run the application there.
	private static void notMasterAgain(String why) {
		if (WorkerLaunch.runsInMasterJvm()) {
			throw new IllegalStateException("This JVM was started again as the multi-jvm master, but the "
					+ "configuration read again makes it none (" + why + "): start the application again");
		}
	}

}
