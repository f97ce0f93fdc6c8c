package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.bootconcurrency.autoconfigure.multijvm.ForwardingSecret;
import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.WorkerJvmOptions;
import org.jspecify.annotations.Nullable;

/**
 * Starts workers as JVMs of the master's own command line (see {@link WorkerLaunch}),
 * handed over in a private argument file with the system properties that tell each who it
 * is (see {@link WorkerArgumentFiles}), and forwards every line it prints to the master's
 * output, prefixed with the worker's id and pid (see {@link WorkerOutput}).
 */
public final class JvmWorkerLauncher implements WorkerLauncher {

	private static final Duration MAX_HEARTBEAT = Duration.ofSeconds(1);

	private static final Duration MIN_HEARTBEAT = Duration.ofMillis(100);

	private final WorkerLaunch launch;

	private final Path channel;

	private final boolean inheritSocket;

	private final PrintStream out;

	private final WorkerArgumentFiles argumentFiles;

	private final @Nullable ForwardingSecret forwardingSecret;

	private final WorkerAotCache aotCache;

	/**
	 * Create a launcher.
	 * @param launch the command line of a worker
	 * @param channel the master's control socket
	 * @param inheritSocket whether workers accept on the master's listening socket, which
	 * is then the master's standard input
	 * @param out where the workers' lines go
	 * @param argumentFiles where the workers' command lines are written
	 * @param forwardingSecret the secret of the master's proxy, or {@code null} if it has
	 * none
	 * @param aotCache the workers' AOT cache
	 */
	public JvmWorkerLauncher(WorkerLaunch launch, Path channel, boolean inheritSocket, PrintStream out,
			WorkerArgumentFiles argumentFiles, @Nullable ForwardingSecret forwardingSecret, WorkerAotCache aotCache) {
		this.launch = launch;
		this.channel = channel;
		this.inheritSocket = inheritSocket;
		this.out = out;
		this.argumentFiles = argumentFiles;
		this.forwardingSecret = forwardingSecret;
		this.aotCache = aotCache;
	}

	@Override
	public WorkerProcess launch(int id, String token, MasterConfig config, boolean aotCache) throws IOException {
		WorkerEnvironment environment = new WorkerEnvironment(id, ProcessHandle.current().pid(), this.channel, token,
				this.inheritSocket, heartbeat(config.timeouts().timeout()),
				(this.forwardingSecret != null) ? this.forwardingSecret.value() : null);
		Path argumentFile = this.argumentFiles.next(id);
		List<String> jvmArgs = new ArrayList<>(config.jvmArgs());
		environment.properties().forEach((name, value) -> jvmArgs.add("-D" + name + "=" + value));
		jvmArgs.add("-D" + WorkerEnvironment.ARGUMENT_FILE + "=" + argumentFile);
		WorkerAotCache.Start start = this.aotCache.forWorker(id, config.jvmArgs(), aotCache);
		Process process;
		try {
			process = start(id, argumentFile, jvmArgs, config, start);
		}
		catch (IOException | RuntimeException ex) {
			// No process, so no exit to release what the cache gave this worker.
			this.aotCache.launchFailed(id, start);
			throw ex;
		}
		// The worker deletes it as it starts; this covers a worker that never gets so
		// far.
		process.onExit().thenRun(() -> this.argumentFiles.delete(argumentFile));
		return forwardOutput(id, process, start);
	}

	private Process start(int id, Path argumentFile, List<String> jvmArgs, MasterConfig config,
			WorkerAotCache.Start start) throws IOException {
		List<String> command = this.launch.command(id, jvmArgs, config.workerArguments(), start.jar(), start.options());
		int prefix = this.launch.commandLinePrefix();
		if (this.argumentFiles.createAgainIfGone()) {
			MasterLog.println(this.out,
					"The directory of the workers' argument files was removed (by a /tmp cleaner?): "
							+ "created it again");
		}
		this.argumentFiles.write(argumentFile, command.subList(prefix, command.size()));
		List<String> commandLine = new ArrayList<>(command.subList(0, prefix));
		commandLine.add("@" + argumentFile);
		ProcessBuilder builder = new ProcessBuilder(commandLine).redirectErrorStream(true);
		for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
			// Inherited, not on the command line: files they name are made the worker's
			// own there.
			String value = builder.environment().get(variable);
			if (value != null) {
				WorkerJvmOptions.forWorkerVariable(value, id)
					.ifPresent((options) -> builder.environment().put(variable, options));
			}
		}
		if (this.inheritSocket) {
			// The listening socket is the master's standard input: the worker inherits
			// it.
			builder.redirectInput(Redirect.INHERIT);
		}
		try {
			return builder.start();
		}
		catch (IOException | RuntimeException ex) {
			this.argumentFiles.delete(argumentFile);
			throw ex;
		}
	}

	/**
	 * A heartbeat a quarter of the timeout apart, at most a second: a worker is never
	 * declared silent for missing one or two beats.
	 */
	static Duration heartbeat(Duration timeout) {
		Duration quarter = timeout.dividedBy(4);
		return (quarter.compareTo(MAX_HEARTBEAT) > 0) ? MAX_HEARTBEAT
				: (quarter.compareTo(MIN_HEARTBEAT) < 0) ? MIN_HEARTBEAT : quarter;
	}

	@Override
	public void stopping() {
		this.aotCache.close();
	}

	@Override
	public boolean wantsAotCacheRecorder(MasterConfig config) {
		return this.aotCache.wantsRecorder(config.jvmArgs());
	}

	@Override
	public List<String> warnings(MasterConfig config) {
		return this.launch.leftOut(config.jvmArgs()).stream().toList();
	}

	private JvmProcess forwardOutput(int id, Process process, WorkerAotCache.Start start) {
		String prefix = "[worker " + id + " pid " + process.pid() + "] ";
		// Its JVM says in its first lines, before the application starts, whether it
		// opened the cache: its ready line says used only then.
		AotCacheUse use = this.aotCache.use(id, start);
		JvmProcess worker = new JvmProcess(process, new AtomicReference<>(), use, start.jar() != null,
				new StoreEvents(id, start, this.aotCache));
		WorkerOutput copier = new WorkerOutput(process.getInputStream(), (line) -> {
			if (use.accept(line)) {
				this.out.println(prefix + line);
			}
		}, (warning) -> MasterLog.println(this.out, "worker " + id + " (pid " + process.pid() + "): " + warning),
				process::isAlive, worker.outputUnread()::set);
		try {
			Thread.ofVirtual().name("worker-" + id + "-output").start(copier);
		}
		catch (Throwable ex) {
			worker.outputUnread().set("its output could not be read (" + ex + ")");
		}
		return worker;
	}

	/**
	 * What a worker tells the AOT cache store that gave it its start, not the store of a
	 * jar swapped in since.
	 */
	private record StoreEvents(int id, WorkerAotCache.Start start, WorkerAotCache aotCache) {

		void ready(@Nullable String use) {
			this.aotCache.ready(this.id, this.start, use);
		}

		void exited(long requestsServed, boolean wasReady, boolean retiredByMaster) {
			this.aotCache.exited(this.id, this.start, requestsServed, wasReady, retiredByMaster);
		}

		void retried(boolean booted) {
			this.aotCache.retried(this.id, this.start, booted);
		}

	}

	/**
	 * A worker JVM's process.
	 */
	private record JvmProcess(Process process, AtomicReference<String> outputUnread, AotCacheUse aotCacheUse,
			boolean startedByAotCache, StoreEvents store) implements WorkerProcess {

		@Override
		public Optional<String> aotCache() {
			return this.aotCacheUse.use();
		}

		@Override
		public void ready() {
			// Decided first, as far as the lines read by now tell: a cache its
			// JVM has not said it opened ends no row of boot failures
			// (WorkerAotCache.ready).
			this.aotCacheUse.ready();
			this.store.ready(this.aotCacheUse.use().orElse(null));
		}

		@Override
		public void exited(long requestsServed, boolean wasReady, boolean retiredByMaster) {
			this.store.exited(requestsServed, wasReady, retiredByMaster);
		}

		@Override
		public void aotCacheAtFault() {
			this.store.retried(true);
		}

		@Override
		public void aotCacheNotAtFault() {
			this.store.retried(false);
		}

		@Override
		public Optional<String> unreadOutput() {
			return Optional.ofNullable(this.outputUnread.get());
		}

		@Override
		public long pid() {
			return this.process.pid();
		}

		@Override
		public boolean isAlive() {
			return this.process.isAlive();
		}

		@Override
		public int exitValue() {
			return this.process.exitValue();
		}

		@Override
		public void onExit(Runnable callback) {
			this.process.onExit().thenRun(callback);
		}

		/**
		 * Through the process's handle: {@link Process#destroy()} also closes the pipe of
		 * the worker's output, and the lines it prints while it shuts down (its graceful
		 * shutdown, a thread dump) would be lost, or fail it.
		 */
		@Override
		public void terminate() {
			this.process.toHandle().destroy();
		}

		@Override
		public void kill() {
			this.process.toHandle().destroyForcibly();
		}

		/**
		 * SIGQUIT makes a JVM print every thread's stack to its output, which the master
		 * forwards: the log then shows where a hung worker was stuck.
		 */
		@Override
		public void dumpThreads() throws IOException {
			Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(pid())).start();
			try {
				if (!kill.waitFor(2, TimeUnit.SECONDS) || kill.exitValue() != 0) {
					throw new IOException("kill -QUIT " + pid() + " did not succeed");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
