package io.github.bootconcurrency.autoconfigure.multijvm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.ConcurrencyProperties.MultiJvm;
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
 * lock guards it. A reload is a queue of workers to replace, surge-first: a new worker
 * becomes ready before the old one leaves the balancer.
 */
final class Arbiter {

	/**
	 * Exit status when workers keep failing to boot, as Gunicorn's.
	 */
	static final int BOOT_ERROR = 3;

	private static final int MAX_BOOT_FAILURES = 3;

	private static final Duration MAX_RESPAWN_BACKOFF = Duration.ofSeconds(30);

	private final MultiJvm settings;

	private final WorkerLaunch launch;

	private final List<String> workerArguments;

	private final ProxyBalancer balancer;

	private final PrintStream out;

	private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

	private final Map<Integer, Worker> workers = new ConcurrentHashMap<>();

	private final List<Integer> toReplace = new ArrayList<>();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	private int target;

	private int nextId = 1;

	private int generation = 1;

	private int bootFailures;

	private int earlyCrashes;

	private Instant nextSpawn = Instant.MIN;


	Arbiter(MultiJvm settings, int workers, WorkerLaunch launch, List<String> workerArguments, ProxyBalancer balancer,
			PrintStream out) {
		this.settings = settings;
		this.target = workers;
		this.launch = launch;
		this.workerArguments = List.copyOf(workerArguments);
		this.balancer = balancer;
		this.out = out;
	}

	/**
	 * Run until stopped by a signal or by workers that cannot boot.
	 * @return the exit status for the master's process
	 */
	int run() {
		writePidfile();
		installSignalHandlers();
		this.balancer.start();
		log("Master " + ProcessHandle.current().pid() + " started: " + this.target + " worker(s), worker model '"
				+ this.settings.getWorkerModel().value() + "'");
		log("WARNING: concurrency.multi-jvm.timeout (" + this.settings.getTimeout().toSeconds()
				+ "s) is not enforced yet: a hung worker is not killed by this release");
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
			deletePidfile();
		}
	}

	private Integer handle(String event) {
		switch (event) {
			case "TERM", "INT" -> {
				log("Received SIG" + event + ": stopping gracefully");
				return stop(0);
			}
			case "HUP" -> {
				log("Received SIGHUP: replacing every worker, one at a time");
				this.generation++;
				this.workers.values()
					.stream()
					.filter((worker) -> worker.state() != Worker.State.DRAINING)
					.sorted(Comparator.comparing(Worker::started))
					.forEach((worker) -> this.toReplace.add(worker.id()));
			}
			case "TTIN" -> {
				this.target++;
				log("Received SIGTTIN: " + this.target + " worker(s)");
			}
			case "TTOU" -> {
				this.target = Math.max(1, this.target - 1);
				log("Received SIGTTOU: " + this.target + " worker(s)");
			}
			default -> {
				// CHLD (a worker exited) and READY (a worker answered its probe): the
				// reconcile step acts on them.
			}
		}
		return null;
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
			else if (worker.drainOverdue()) {
				log(worker + " did not stop within the graceful timeout: killing it");
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
				if (worker.readyAt() != null && Duration.between(worker.readyAt(), Instant.now()).toSeconds() < 10) {
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

	private void backOff() {
		this.earlyCrashes++;
		long millis = Math.min(MAX_RESPAWN_BACKOFF.toMillis(), 250L << Math.min(10, this.earlyCrashes - 1));
		this.nextSpawn = Instant.now().plusMillis(millis);
	}

	private void promoteIfReady(Worker worker) {
		if (worker.probedReady()) {
			worker.ready();
			this.bootFailures = 0;
			this.balancer.add(worker);
			log(worker + " is ready after " + worker.age().toMillis() + " ms");
		}
		else if (worker.age().compareTo(this.settings.getBootTimeout()) > 0) {
			log(worker + " was not ready within the boot timeout: killing it");
			worker.process().destroyForcibly();
		}
		else {
			probeReadiness(worker);
		}
	}

	/**
	 * Surge-first replacement: start one worker of the new generation; once it is ready
	 * (one worker over target), the oldest worker to replace leaves the balancer and
	 * drains; repeat.
	 */
	private void replaceNext() {
		if (this.toReplace.isEmpty()) {
			return;
		}
		boolean surgeBooting = this.workers.values()
			.stream()
			.anyMatch((worker) -> worker.generation() == this.generation && worker.state() == Worker.State.BOOTING);
		if (surgeBooting) {
			return;
		}
		if (activeCount() > this.target) {
			Worker old = this.workers.get(this.toReplace.remove(0));
			if (old != null) {
				retire(old);
			}
		}
		else {
			spawn();
		}
	}

	private void manageWorkers() {
		long active = activeCount();
		if (!this.toReplace.isEmpty()) {
			return;
		}
		if (active < this.target && !Instant.now().isBefore(this.nextSpawn)) {
			spawn();
		}
		else if (active > this.target) {
			this.workers.values()
				.stream()
				.filter((worker) -> worker.state() != Worker.State.DRAINING)
				.min(Comparator.comparing(Worker::started))
				.ifPresent(this::retire);
		}
	}

	private long activeCount() {
		return this.workers.values().stream().filter((worker) -> worker.state() != Worker.State.DRAINING).count();
	}

	private void retire(Worker worker) {
		this.balancer.remove(worker);
		worker.drain(this.settings.getGracefulTimeout());
		log(worker + " left the balancer and is draining");
	}

	private void spawn() {
		int id = this.nextId++;
		int port = freePort();
		List<String> arguments = new ArrayList<>(this.workerArguments);
		arguments.add("--server.port=" + port);
		ProcessBuilder builder = new ProcessBuilder(this.launch.command(arguments)).redirectErrorStream(true);
		builder.environment().putAll(WorkerLaunch.environment(id));
		try {
			Process process = builder.start();
			Worker worker = new Worker(id, port, process, this.generation);
			this.workers.put(id, worker);
			forwardOutput(worker);
			process.onExit().thenRun(() -> this.events.add("CHLD"));
			log("Started " + worker);
		}
		catch (IOException ex) {
			log("Could not start worker " + id + ": " + ex.getMessage());
			backOff();
		}
	}

	/**
	 * Ask a booting worker whether it is ready, off the loop's thread: the answer wakes
	 * the loop, so a slow worker never delays the handling of a signal.
	 */
	private void probeReadiness(Worker worker) {
		if (!worker.startProbe()) {
			return;
		}
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + worker.port() + "/actuator/health/readiness"))
			.timeout(Duration.ofSeconds(1))
			.build();
		this.http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
			// 404: the application has no actuator; its server answering means it started.
			boolean ready = response != null && (response.statusCode() == 200 || response.statusCode() == 404);
			worker.endProbe(ready);
			if (ready) {
				this.events.add("READY");
			}
		});
	}

	private int stop(int status) {
		List<Worker> all = List.copyOf(this.workers.values());
		all.forEach(this.balancer::remove);
		all.forEach((worker) -> worker.drain(this.settings.getGracefulTimeout()));
		Instant deadline = Instant.now().plus(this.settings.getGracefulTimeout());
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

	private void installSignalHandlers() {
		for (String name : List.of("TERM", "INT", "HUP", "TTIN", "TTOU")) {
			try {
				SignalHandler previous = Signal.handle(new Signal(name), (signal) -> this.events.add(signal.getName()));
				if (previous == SignalHandler.SIG_IGN) {
					log("WARNING: SIG" + name + " was ignored when the master started (started under nohup?): "
							+ "it is handled now, as the master's signals require");
				}
			}
			catch (IllegalArgumentException ex) {
				log("WARNING: SIG" + name + " cannot be handled on this JVM: " + ex.getMessage());
			}
		}
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
		Path pidfile = this.settings.getPidfile();
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
		Path pidfile = this.settings.getPidfile();
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

	static int workerCount(String workers) {
		return "auto".equalsIgnoreCase(workers.trim()) ? Runtime.getRuntime().availableProcessors()
				: Integer.parseInt(workers.trim());
	}

}
