package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import io.github.bootconcurrency.autoconfigure.admission.AdaptiveLimitRequirement;
import io.github.bootconcurrency.autoconfigure.multijvm.ForwardingSecret;
import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmProperties.Balancer;
import io.github.bootconcurrency.autoconfigure.multijvm.master.balancer.ProxyBalancer;
import io.github.bootconcurrency.autoconfigure.multijvm.master.balancer.ProxyBalancerRequirement;
import io.github.bootconcurrency.autoconfigure.multijvm.master.balancer.ProxyBalancerUnavailableException;
import io.github.bootconcurrency.autoconfigure.multijvm.master.balancer.SharedSocket;
import io.github.bootconcurrency.autoconfigure.multijvm.master.balancer.SharedSocketBalancer;
import io.github.bootconcurrency.autoconfigure.multijvm.master.channel.MasterChannel;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.ConfigurationRereader;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfigLoader;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.JvmWorkerLauncher;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.MasterLog;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.UnshareableJvmOptionsException;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerAotCache;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerArgumentFiles;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerLaunch;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerLauncher;
import io.github.bootconcurrency.autoconfigure.multijvm.master.loop.Arbiter;
import io.github.bootconcurrency.autoconfigure.multijvm.master.loop.FailureDescription;
import io.github.bootconcurrency.autoconfigure.multijvm.master.loop.SignalHandlers;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.WorkerBalancer;
import io.github.bootconcurrency.autoconfigure.scope.StartupWarnings;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The multi-jvm master's entry: turns the JVM that {@code java -jar app.jar} started into
 * the master of worker JVMs of the same application, and ends it with the master's exit
 * status. No application context is ever created in this JVM.
 *
 * <p>
 * The order matters: the control channel exists before any worker is told its path, the
 * port is bound before the pidfile names this process, and signals are handled only once
 * the loop is about to run. Whatever fails, the JVM exits with a status that is not 0 and
 * a description of the cause: a master that cannot supervise does not stay up.
 */
public final class MasterMain {

	private MasterMain() {
	}

	/**
	 * Run the master, then exit the JVM with its status.
	 * @param environment the environment, with the profiles' configuration loaded
	 * @param application the application, for reading the configuration again on reload
	 * @throws io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException
	 * if the configuration cannot be used; nothing was started then
	 * @throws UnshareableJvmOptionsException if the master runs with a JVM option that
	 * its workers cannot share, such as a fixed JMX port; nothing was started then
	 * @throws ProxyBalancerUnavailableException if the proxy balancer is chosen and
	 * Undertow is not on the class path; nothing was started then
	 * @throws io.github.bootconcurrency.autoconfigure.admission.AdaptiveLimitUnavailableException
	 * if the workers' limit is adaptive and its library is not on the class path; nothing
	 * was started then
	 */
	public static void run(ConfigurableEnvironment environment, SpringApplication application) {
		// First, whatever happens next: the master's own options, which only its owner
		// may read.
		MasterJvm.deleteOptionsFile();
		MasterConfig config = MasterConfigLoader.load(environment, SharedSocket.unsupportedReason());
		// Once, at startup: a reload keeps the running balancer.
		ProxyBalancerRequirement.check(config, environment, application.getClassLoader());
		AdaptiveLimitRequirement.check(config.workerSettings(), environment, application.getClassLoader());
		PrintStream out = System.out;
		WorkerLaunch launch;
		try {
			launch = WorkerLaunch.ofCurrentProcess();
		}
		catch (Throwable ex) {
			System.exit(failed(out, ex));
			return;
		}
		// Before anything is bound: every worker would fail to boot with it.
		List<String> unshareable = launch.unshareableOptions();
		if (!unshareable.isEmpty()) {
			throw new UnshareableJvmOptionsException(unshareable);
		}
		// Once every check has passed, so that a bad setting is reported by the JVM the
		// user started; before anything is printed, bound or written, which the new image
		// does again.
		MasterJvm.replaceImage(config.masterJvmArgs(), launch, environment, out);
		printWarnings(environment, out);
		int status;
		try {
			status = serve(config, launch, () -> {
				ConfigurableEnvironment reread = ConfigurationRereader.reread(environment, application);
				printWarnings(reread, out);
				return MasterConfigLoader.load(reread, SharedSocket.unsupportedReason());
			}, out);
		}
		catch (Throwable ex) {
			status = failed(out, ex);
		}
		System.exit(status);
	}

	// Logged only once Spring Boot sets up the application's logging, which a master
	// never does: printed here, at startup and on each reload (workers skip those
	// checks).
	private static void printWarnings(ConfigurableEnvironment environment, PrintStream out) {
		StartupWarnings.take(environment).forEach((warning) -> MasterLog.println(out, "WARNING: " + warning));
	}

	private static int failed(PrintStream out, Throwable ex) {
		MasterLog.println(out, "The master could not run:\n" + FailureDescription.of(ex).indent(2).stripTrailing());
		return Arbiter.MASTER_ERROR;
	}

	private static int serve(MasterConfig config, WorkerLaunch launch, Supplier<MasterConfig> reloader, PrintStream out)
			throws IOException {
		Pidfile pidfile = new Pidfile(config.pidfile(), out);
		// Before anything is bound: a second master names the first rather than a port
		// in use.
		pidfile.check();
		// The one reference to ProxyBalancer, whose Undertow classes are optional: the
		// JVM loads it (and them) only when this line creates one.
		boolean sharedSocket = config.balancer() == Balancer.SHARED_SOCKET;
		// Behind the proxy, the workers honour forwarding headers from requests that
		// carry this master's secret only.
		ForwardingSecret forwardingSecret = sharedSocket ? null : ForwardingSecret.generate();
		WorkerBalancer balancer = sharedSocket
				? new SharedSocketBalancer(config.address(), config.port(), config.backlog())
				: new ProxyBalancer(config, forwardingSecret, out);
		WorkerArgumentFiles argumentFiles = WorkerArgumentFiles.create();
		MasterChannel channel = MasterChannel.open(out);
		ExecutorService offLoop = Executors
			.newSingleThreadExecutor(Thread.ofVirtual().name("multi-jvm-master-off-loop").factory());
		// Its own thread: an extraction or a cache's creation takes seconds, which would
		// hold up a hung worker's thread dump on the other.
		ExecutorService aotCacheThread = Executors
			.newSingleThreadExecutor(Thread.ofVirtual().name("multi-jvm-master-aot-cache").factory());
		try {
			WorkerAotCache aotCache = WorkerAotCache.start(config, launch, null, aotCacheThread, out);
			WorkerLauncher launcher = new JvmWorkerLauncher(launch, channel.socket(), balancer.inheritsSocket(), out,
					argumentFiles, forwardingSecret, aotCache);
			Arbiter arbiter = new Arbiter(config, reloader, launcher, balancer, new MonotonicClock(), offLoop, out);
			balancer.start();
			pidfile.write();
			channel.serve(arbiter.channel());
			MasterLog.println(out, "Control channel: " + channel.socket() + " (this master's workers only)");
			SignalHandlers.install(arbiter::submit, out);
			return arbiter.run();
		}
		finally {
			offLoop.shutdownNow();
			aotCacheThread.shutdownNow();
			// Its helper JVM is destroyed as its thread is interrupted: before the exit.
			awaitTermination(aotCacheThread);
			channel.close();
			argumentFiles.close();
			pidfile.delete();
		}
	}

	private static void awaitTermination(ExecutorService executor) {
		try {
			executor.awaitTermination(2, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
