package io.github.bootconcurrency.autoconfigure.multijvm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.lang.ProcessBuilder.Redirect;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.function.Supplier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Objects;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The master of the multi-jvm model: starts worker JVMs of the application, keeps their
 * number on target, and answers signals, as Gunicorn's arbiter does.
 *
 * <p>
 * Design: signal handlers and process-exit callbacks only enqueue. One loop waits on the
 * queue (at most a second), drains it, acts on each event, then reconciles: it promotes
 * booting workers that became ready into the balancer, reaps workers that exited, kills
 * drainers past their grace period, and starts or retires workers until the count is on
 * target. Everything that changes the set of workers happens on that one thread, so no
 * lock guards it. A reload, and the recycling of a worker after {@code max-requests}, is
 * a queue of workers to replace, surge-first: a new worker becomes ready before the old
 * one leaves the balancer. A reload whose first new worker cannot boot is abandoned: the
 * old workers and the old configuration stay.
 *
 * <p>
 * Ready workers are probed for liveness every second, off the loop's thread; one that
 * stays silent for {@code timeout} gets SIGQUIT (the JVM prints its threads' stacks into
 * the log, as Gunicorn's SIGABRT does), then SIGTERM, then SIGKILL after
 * {@code graceful-timeout}, and is replaced.
 */
final class Arbiter implements MasterChannel.Master {

	/**
	 * Exit status when workers keep failing to boot, as Gunicorn's.
	 */
	static final int BOOT_ERROR = 3;

	private static final int MAX_BOOT_FAILURES = 3;

	private static final int MAX_WORKERS = 256;

	private static final Duration MAX_RESPAWN_BACKOFF = Duration.ofSeconds(30);

	private static final Duration EARLY_CRASH = Duration.ofSeconds(10);

	private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

	private final Supplier<MasterConfig> reloader;

	private final WorkerLaunch launch;

	private final Balancer balancer;

	private final String balancerName;

	private final PrintStream out;

	private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

	private final Map<Integer, Worker> workers = new ConcurrentHashMap<>();

	private final List<Integer> toReplace = new ArrayList<>();

	private final Map<Integer, Integer> slotUses = new HashMap<>();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	private final SecureRandom random = new SecureRandom();

	private volatile MasterConfig config;

	private MasterConfig previousConfig;

	private MasterChannel channel;

	private volatile int target;

	private int nextId = 1;

	private int generation = 1;

	private int bootFailures;

	private int earlyCrashes;

	private Instant nextSpawn = Instant.MIN;

	private volatile long spawned;

	private volatile long killed;

	private volatile long restarts;

	private volatile long reloads;

	private volatile long recycled;

	/**
	 * Create the master.
	 * @param config the configuration it starts with
	 * @param reloader reads the configuration again, on reload
	 * @param launch how to start a worker
	 * @param balancer how requests reach the workers
	 * @param balancerName the balancer's name, as configured
	 * @param out where the master's own lines go
	 */
	Arbiter(MasterConfig config, Supplier<MasterConfig> reloader, WorkerLaunch launch, Balancer balancer,
			String balancerName, PrintStream out) {
		this.config = config;
		this.target = config.workers();
		this.reloader = reloader;
		this.launch = launch;
		this.balancer = balancer;
		this.balancerName = balancerName;
		this.out = out;
	}

	/**
	 * Run until stopped by a signal or by workers that cannot boot.
	 * @return the exit status for the master's process
	 */
	int run() {
		writePidfile();
		installSignalHandlers();
		this.channel = MasterChannel.open(this, this.out);
		this.balancer.start();
		log("Master " + ProcessHandle.current().pid() + " started: " + this.target + " worker(s), worker model '"
				+ this.config.settings().getWorkerModel().value() + "', balancer '" + this.balancerName + "' on "
				+ this.config.address() + ":" + this.config.port());
		log("Control channel: " + this.channel.socket() + " (this master's workers only)");
		warnOfLeftOutOptions();
		try {
			while (true) {
				String event = this.events.poll(1, TimeUnit.SECONDS);
				while (event != null) {
					Integer status = handle(event);
					if (status != null) {
						return status;
					}
					event = this.events.poll();
				}
				Integer status = reconcile();
				if (status != null) {
					return status;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return stop(1);
		}
		finally {
			this.channel.close();
			deletePidfile();
		}
	}

	private Integer handle(String event) {
		String[] words = event.split(" ");
		switch (words[0]) {
			case "TERM", "INT" -> {
				log("Received SIG" + event + ": stopping gracefully");
				return stop(0);
			}
			case "HUP" -> reload("Received SIGHUP");
			case "RELOAD" -> reload("Reload requested through the actuator");
			case "TTIN" -> scale(this.target + 1, "Received SIGTTIN");
			case "TTOU" -> scale(this.target - 1, "Received SIGTTOU");
			case "SCALE" -> scale(Integer.parseInt(words[1]), "Scale requested through the actuator");
			default -> {
				// CHLD (a worker exited) and READY (a worker answered its probe): the
				// reconcile step acts on them.
			}
		}
		return null;
	}

	private void scale(int workers, String why) {
		this.target = Math.max(1, Math.min(MAX_WORKERS, workers));
		log(why + ": " + this.target + " worker(s)");
	}

	/**
	 * Read the configuration again, then replace every worker, one at a time.
	 */
	private void reload(String why) {
		MasterConfig next;
		try {
			next = this.reloader.get();
		}
		catch (InvalidSettingsException ex) {
			log(why + ", but the configuration cannot be used; the running workers and configuration stay. "
					+ ex.getMessage());
			return;
		}
		String restartOnly = this.config.restartOnlyChanges(next);
		if (restartOnly != null) {
			log("WARNING: changing " + restartOnly + " takes a restart of the master: the running value(s) stay");
			next.settings().setBalancer(this.config.settings().getBalancer());
			next.settings().setPidfile(this.config.settings().getPidfile());
			next = new MasterConfig(next.settings(), next.workers(), this.config.address(), this.config.port(),
					this.config.backlog(), next.workerCapacity(), next.keepAlive());
		}
		this.reloads++;
		this.previousConfig = this.config;
		this.config = next;
		this.target = next.workers();
		this.generation++;
		log(why + ": configuration read again (" + next.workers() + " worker(s), worker model '"
				+ next.settings().getWorkerModel().value() + "'); replacing every worker, one at a time");
		warnOfLeftOutOptions();
		this.toReplace.clear();
		this.workers.values()
			.stream()
			.filter((worker) -> worker.state() != Worker.State.DRAINING)
			.sorted(Comparator.comparing(Worker::started))
			.forEach((worker) -> this.toReplace.add(worker.id()));
	}

	private void warnOfLeftOutOptions() {
		this.launch.leftOut(this.config.settings().getJvmArgs()).ifPresent((reason) -> log("WARNING: " + reason));
	}

	private Integer reconcile() {
		for (Worker worker : List.copyOf(this.workers.values())) {
			if (!worker.process().isAlive()) {
				Integer status = reap(worker);
				if (status != null) {
					return status;
				}
			}
			else if (worker.state() == Worker.State.BOOTING) {
				promoteIfReady(worker);
			}
			else if (worker.state() == Worker.State.READY) {
				superviseReady(worker);
			}
			else if (worker.drainOverdue()) {
				log(worker + " did not stop within the graceful timeout: killing it");
				this.killed++;
				worker.process().destroyForcibly();
			}
		}
		replaceNext();
		manageWorkers();
		return null;
	}

	private Integer reap(Worker worker) {
		this.workers.remove(worker.id());
		this.toReplace.remove((Integer) worker.id());
		this.balancer.remove(worker);
		int exit = worker.process().exitValue();
		switch (worker.state()) {
			case BOOTING -> {
				if (worker.generation() == this.generation && this.previousConfig != null
						&& !this.toReplace.isEmpty()) {
					abandonReload(worker, exit);
					return null;
				}
				this.bootFailures++;
				log(worker + " exited with status " + exit + " before it was ready (" + this.bootFailures + " in a row)");
				if (this.bootFailures >= MAX_BOOT_FAILURES) {
					log("Workers failed to boot " + this.bootFailures
							+ " times in a row: stopping. Their output above says why.");
					return stop(BOOT_ERROR);
				}
				backOff();
			}
			case READY -> {
				log(worker + " died with status " + exit + ": replacing it");
				this.restarts++;
				if (worker.readyAt() != null && Duration.between(worker.readyAt(), Instant.now()).compareTo(EARLY_CRASH) < 0) {
					backOff();
				}
				else {
					this.earlyCrashes = 0;
				}
			}
			case DRAINING -> log(worker + " stopped");
		}
		return null;
	}

	/**
	 * The first worker of a reload could not boot: keep the workers that serve, and the
	 * configuration they were started with, rather than replace them with workers that
	 * would not boot either.
	 */
	private void abandonReload(Worker worker, int exit) {
		log(worker + " exited with status " + exit + " before it was ready: reload abandoned, the "
				+ this.toReplace.size() + " running worker(s) and the previous configuration stay. Its output above says why.");
		this.toReplace.clear();
		this.config = this.previousConfig;
		this.target = this.previousConfig.workers();
		this.previousConfig = null;
		this.workers.values().forEach(Worker::keep);
	}

	private void backOff() {
		this.earlyCrashes++;
		long millis = Math.min(MAX_RESPAWN_BACKOFF.toMillis(), 250L << Math.min(10, this.earlyCrashes - 1));
		this.nextSpawn = Instant.now().plusMillis(millis);
		log("Next worker in " + millis + " ms (" + this.earlyCrashes + " early exit(s) in a row)");
	}

	private void promoteIfReady(Worker worker) {
		if (worker.probedReady()) {
			worker.ready();
			this.bootFailures = 0;
			this.balancer.add(worker);
			log(worker + " is ready after " + worker.age().toMillis() + " ms");
		}
		else if (worker.age().compareTo(this.config.settings().getBootTimeout()) > 0) {
			log(worker + " was not ready within the boot timeout: killing it");
			this.killed++;
			worker.process().destroyForcibly();
		}
		else {
			probe(worker, "readiness", () -> {
				worker.readyProbe(true);
				this.events.add("READY");
			});
		}
	}

	private void superviseReady(Worker worker) {
		Duration timeout = this.config.settings().getTimeout();
		if (worker.silentFor().compareTo(timeout) > 0) {
			log(worker + " failed its liveness probe for " + worker.silentFor().toSeconds() + " s (timeout "
					+ timeout.toSeconds() + " s): dumping its threads, then stopping it");
			this.killed++;
			this.restarts++;
			this.balancer.remove(worker);
			dumpThreads(worker);
			worker.drain(this.config.settings().getGracefulTimeout());
			return;
		}
		probe(worker, "liveness", worker::alive);
		if (worker.dueForRecycling()) {
			log(worker + " served " + worker.requests() + " requests (max-requests with jitter: "
					+ worker.maxRequests() + "): replacing it");
			this.recycled++;
			this.toReplace.add(worker.id());
		}
	}

	/**
	 * Surge-first replacement: start one worker in the slot of the first worker to
	 * replace; once it is ready (one worker over target), that worker leaves the balancer
	 * and drains; repeat.
	 */
	private void replaceNext() {
		if (this.toReplace.isEmpty()) {
			return;
		}
		boolean surgeBooting = this.workers.values()
			.stream()
			.anyMatch((worker) -> worker.state() == Worker.State.BOOTING);
		if (surgeBooting) {
			return;
		}
		Worker old = this.workers.get(this.toReplace.get(0));
		if (old == null) {
			this.toReplace.remove(0);
		}
		else if (activeCount() > this.target) {
			this.toReplace.remove(0);
			retire(old);
		}
		else {
			// Below target (a reload raised the count): fill a new slot first.
			spawn((activeCount() < this.target) ? freeSlot() : old.slot());
		}
		if (this.toReplace.isEmpty()) {
			this.previousConfig = null;
		}
	}

	private void manageWorkers() {
		if (!this.toReplace.isEmpty()) {
			return;
		}
		long active = activeCount();
		if (active < this.target && !Instant.now().isBefore(this.nextSpawn)) {
			spawn(freeSlot());
		}
		else if (active > this.target) {
			this.workers.values()
				.stream()
				.filter((worker) -> worker.state() != Worker.State.DRAINING)
				.max(Comparator.comparing(Worker::slot))
				.ifPresent(this::retire);
		}
	}

	private int freeSlot() {
		int slot = 1;
		while (slotTaken(slot)) {
			slot++;
		}
		return slot;
	}

	private boolean slotTaken(int slot) {
		return this.workers.values()
			.stream()
			.anyMatch((worker) -> worker.slot() == slot && worker.state() != Worker.State.DRAINING);
	}

	private long activeCount() {
		return this.workers.values().stream().filter((worker) -> worker.state() != Worker.State.DRAINING).count();
	}

	private void retire(Worker worker) {
		this.balancer.remove(worker);
		worker.drain(this.config.settings().getGracefulTimeout());
		log(worker + " left the balancer and is draining");
	}

	private void spawn(int slot) {
		MasterConfig config = this.config;
		int id = this.nextId++;
		int port = freePort();
		String token = HexFormat.of().formatHex(newToken());
		boolean inherit = this.balancer.inheritsSocket();
		WorkerEnvironment environment = new WorkerEnvironment(id, ProcessHandle.current().pid(),
				this.channel.socket(), token, inherit ? port : 0, inherit);
		List<String> command = this.launch.command(config.settings().getJvmArgs(),
				config.workerArguments(inherit ? config.port() : port));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		if (inherit) {
			// The listening socket is the master's standard input: the worker inherits it.
			builder.redirectInput(Redirect.INHERIT);
		}
		builder.environment().putAll(environment.variables());
		int maxRequests = config.settings().getMaxRequests();
		long limit = (maxRequests > 0) ? maxRequests + this.random.nextInt(config.settings().getMaxRequestsJitter() + 1)
				: 0;
		int uses = this.slotUses.merge(slot, 1, Integer::sum);
		try {
			Process process = builder.start();
			Worker worker = new Worker(id, slot, uses - 1, port, process, this.generation, token, limit);
			this.workers.put(id, worker);
			this.spawned++;
			forwardOutput(worker);
			process.onExit().thenRun(() -> this.events.add("CHLD"));
			log("Started " + worker);
		}
		catch (IOException ex) {
			log("Could not start worker " + id + ": " + ex.getMessage());
			backOff();
		}
	}

	private byte[] newToken() {
		byte[] token = new byte[32];
		this.random.nextBytes(token);
		return token;
	}

	/**
	 * Probe a worker's health group off the loop's thread, so that a slow worker never
	 * delays the handling of a signal; at most one probe per worker is in flight.
	 */
	private void probe(Worker worker, String group, Runnable onUp) {
		if (!worker.startProbe()) {
			return;
		}
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + worker.port() + "/actuator/health/" + group))
			.header(ServedRequestsFilter.PROBE_HEADER, "true")
			.timeout(PROBE_TIMEOUT)
			.build();
		this.http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
			// 404: the application has no actuator; its server answering means it is up.
			if (response != null && (response.statusCode() == 200 || response.statusCode() == 404)) {
				onUp.run();
			}
			worker.endProbe();
		});
	}

	/**
	 * SIGQUIT makes a JVM print every thread's stack to its output, which the master
	 * forwards: the log then shows where a hung worker was stuck.
	 */
	private void dumpThreads(Worker worker) {
		try {
			new ProcessBuilder("kill", "-QUIT", Long.toString(worker.pid())).start().waitFor(2, TimeUnit.SECONDS);
			Thread.sleep(200);
		}
		catch (IOException ex) {
			log("Could not dump the threads of " + worker + ": " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean authenticate(int workerId, String token) {
		Worker worker = this.workers.get(workerId);
		return worker != null && token != null && MessageDigest.isEqual(
				worker.token().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public void report(int workerId, long requests, long heapUsedBytes) {
		Worker worker = this.workers.get(workerId);
		if (worker != null) {
			worker.report(requests, heapUsedBytes);
		}
	}

	@Override
	public ClusterView view() {
		List<ClusterView.WorkerView> views = this.workers.values()
			.stream()
			.sorted(Comparator.comparing(Worker::id))
			.map(Worker::view)
			.toList();
		return new ClusterView(this.balancerName, this.target,
				new ClusterView.Counters(this.spawned, this.killed, this.restarts, this.reloads, this.recycled), views);
	}

	@Override
	public void submit(String event) {
		this.events.add(event);
	}

	private int stop(int status) {
		List<Worker> all = List.copyOf(this.workers.values());
		all.forEach(this.balancer::remove);
		all.forEach((worker) -> worker.drain(this.config.settings().getGracefulTimeout()));
		Instant deadline = Instant.now().plus(this.config.settings().getGracefulTimeout());
		for (Worker worker : all) {
			long left = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
			try {
				if (!worker.process().waitFor(left, TimeUnit.MILLISECONDS)) {
					log(worker + " did not stop within the graceful timeout: killing it");
					worker.process().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				worker.process().destroyForcibly();
			}
		}
		this.balancer.stop();
		log("Master stopped");
		return status;
	}

	/**
	 * A signal ignored when the master started stays ignored for HUP, INT and TERM: the
	 * JVM installs no handler over an inherited SIG_IGN for its shutdown signals, whatever
	 * {@link Signal#handle} is asked. Other signals are taken over. Either way the user is
	 * told, since {@code nohup} or a script's {@code &} silently changes what a signal does.
	 */
	private void installSignalHandlers() {
		for (String name : List.of("TERM", "INT", "HUP", "TTIN", "TTOU")) {
			try {
				SignalHandler previous = Signal.handle(new Signal(name), (signal) -> this.events.add(signal.getName()));
				if (previous == SignalHandler.SIG_IGN) {
					log("WARNING: " + ignoredAtStart(name));
				}
			}
			catch (IllegalArgumentException ex) {
				log("WARNING: SIG" + name + " cannot be handled on this JVM: " + ex.getMessage());
			}
		}
	}

	static String ignoredAtStart(String signal) {
		String was = "SIG" + signal + " was ignored when the master started (nohup ignores HUP; a script's "
				+ "background job ignores INT)";
		return switch (signal) {
			case "HUP" -> was + ", and the JVM keeps it ignored: kill -HUP will not reload. Reload with "
					+ "POST /actuator/concurrency {\"reload\": true} (management.endpoint.concurrency.access="
					+ "unrestricted), or start the master without nohup (setsid, a systemd service).";
			case "INT", "TERM" -> was + ", and the JVM keeps it ignored: kill -" + signal
					+ " will not stop the master. SIGTERM or SIGINT, whichever is not ignored, still stops it gracefully.";
			default -> was + ": the master handles it now.";
		};
	}

	private void forwardOutput(Worker worker) {
		String prefix = "[worker " + worker.id() + " pid " + worker.pid() + "] ";
		Thread.ofVirtual().name("worker-" + worker.id() + "-output").start(() -> {
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(worker.process().getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					this.out.println(prefix + line);
				}
			}
			catch (IOException ex) {
				// The worker is gone: its output ends with it.
			}
		});
	}

	private void writePidfile() {
		Path pidfile = this.config.settings().getPidfile();
		if (pidfile != null) {
			try {
				Files.writeString(pidfile, ProcessHandle.current().pid() + "\n");
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot write concurrency.multi-jvm.pidfile " + pidfile, ex);
			}
		}
	}

	private void deletePidfile() {
		Path pidfile = this.config.settings().getPidfile();
		if (pidfile != null) {
			try {
				Files.deleteIfExists(pidfile);
			}
			catch (IOException ex) {
				log("Could not delete " + pidfile + ": " + ex.getMessage());
			}
		}
	}

	private void log(String message) {
		this.out.println("[master] " + message);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", 0));
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException("No free loopback port for a worker", ex);
		}
	}

}
