package io.github.bootconcurrency.autoconfigure.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The masters a multi-jvm test starts, as a JUnit extension: registered with
 * {@code @RegisterExtension}, it starts masters of one application with a named
 * {@link Balancer}, and after each test kills every master it started with all their
 * workers, and keeps each master's output in
 * {@code target/multi-jvm-logs/<test class>/<test>.log}. A failing test also gets the
 * last lines of each master's output in its report, where CI shows them.
 */
public final class Masters implements AfterEachCallback, TestExecutionExceptionHandler {

	private static final int TAIL_LINES = 80;

	private final List<String> application;

	private final List<MasterProcess> started = new ArrayList<>();

	private Masters(List<String> application) {
		this.application = application;
	}

	/**
	 * Masters of an application run from the test's class path, as the application's
	 * tests run it.
	 * @param mainClass the application's main class
	 * @return the extension
	 */
	public static Masters of(Class<?> mainClass) {
		return of(mainClass, System.getProperty("java.class.path"));
	}

	/**
	 * Masters of an application run from a class path of the test's choosing.
	 * @param mainClass the application's main class
	 * @param classPath the class path, which the workers inherit
	 * @return the extension
	 */
	public static Masters of(Class<?> mainClass, String classPath) {
		return new Masters(MasterProcess.javaCommand(mainClass, classPath));
	}

	/**
	 * Masters of an application run as its users run it: {@code java -jar app.jar}.
	 * @param jar the executable jar
	 * @return the extension
	 */
	public static Masters ofJar(Path jar) {
		return new Masters(MasterProcess.javaJarCommand(jar));
	}

	/**
	 * Start a master.
	 * @param balancer the balancer
	 * @param workers the number of workers, or 0 to leave it to the configuration
	 * @param arguments more application arguments
	 * @return the running master
	 * @throws IOException if the process cannot be started
	 */
	public MasterProcess start(Balancer balancer, int workers, String... arguments) throws IOException {
		return start(balancer, workers, List.of(), arguments);
	}

	/**
	 * Start a master through a wrapper command.
	 * @param balancer the balancer
	 * @param workers the number of workers, or 0 to leave it to the configuration
	 * @param wrapper a command that runs the master's command line, such as a shell that
	 * changes the signals it inherits
	 * @param arguments more application arguments
	 * @return the running master
	 * @throws IOException if the process cannot be started
	 */
	public MasterProcess start(Balancer balancer, int workers, List<String> wrapper, String... arguments)
			throws IOException {
		MasterProcess master = MasterProcess.start(this.application, balancer, workers, wrapper, List.of(arguments));
		synchronized (this.started) {
			this.started.add(master);
		}
		return master;
	}

	/**
	 * Start a master with more environment variables.
	 * @param balancer the balancer
	 * @param workers the number of workers, or 0 to leave it to the configuration
	 * @param environment variables added to the test's own environment, such as
	 * {@code SPRING_APPLICATION_JSON}
	 * @param arguments more application arguments
	 * @return the running master
	 * @throws IOException if the process cannot be started
	 */
	public MasterProcess start(Balancer balancer, int workers, Map<String, String> environment, String... arguments)
			throws IOException {
		MasterProcess master = MasterProcess.start(this.application, balancer, workers, List.of(), environment,
				List.of(arguments));
		synchronized (this.started) {
			this.started.add(master);
		}
		return master;
	}

	@Override
	public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
		List<MasterProcess> masters;
		synchronized (this.started) {
			masters = List.copyOf(this.started);
		}
		for (MasterProcess master : masters) {
			failure.addSuppressed(new MasterOutput("The last lines of the master (pid " + master.process().pid()
					+ ") at the failure:\n" + master.lines().tail(TAIL_LINES)));
		}
		throw failure;
	}

	@Override
	public void afterEach(ExtensionContext context) throws IOException {
		List<MasterProcess> masters;
		synchronized (this.started) {
			masters = List.copyOf(this.started);
			this.started.clear();
		}
		Path logs = Path.of("target", "multi-jvm-logs", context.getRequiredTestClass().getSimpleName());
		Files.createDirectories(logs);
		// A parameterized test's display name tells its cases apart; a plain one's adds
		// nothing to the method's name.
		String method = context.getRequiredTestMethod().getName();
		String test = context.getDisplayName().startsWith(method + "(") ? method
				: method + "-" + context.getDisplayName();
		for (int i = 0; i < masters.size(); i++) {
			MasterProcess master = masters.get(i);
			master.kill();
			String name = test.replaceAll("[^A-Za-z0-9.=-]+", "_") + ((i > 0) ? "-" + (i + 1) : "") + ".log";
			Files.writeString(logs.resolve(name),
					String.join(" ", master.command()) + "\n\n" + master.output() + "\n[exit status "
							+ (master.process().isAlive() ? "none: still running" : master.process().exitValue())
							+ "]\n");
		}
	}

	/**
	 * A master's output, attached to a failure.
	 */
	private static final class MasterOutput extends Exception {

		MasterOutput(String message) {
			super(message, null, false, false);
		}

	}

}
