package io.github.bootconcurrency.benchmark.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.bootconcurrency.benchmark.machine.Usage;
import io.github.bootconcurrency.benchmark.results.AppModel;

/**
 * The sample app, started fresh for one model on a loopback port the kernel chooses, with
 * the JDK that runs the suite (or, for a Gunicorn model, the Flask app under
 * {@link Gunicorn}, which is ready when {@code /hello} answers and every worker has
 * booted). Its output goes to a log file (a pipe nobody reads would block it once full);
 * the log is where the suite reads the port back, and looks for the multi-jvm master's
 * {@code worker N ... is ready} lines, since readiness on the master's port turns UP as
 * soon as the first worker is.
 * <p>
 * The port is the kernel's ({@code 0}), read from the line that names it, rather than one
 * picked and let go before the start, which another process may take meanwhile.
 * <p>
 * Stopping sends SIGTERM, waits, then kills the process and whatever it started: the next
 * model must find the machine as this one found it.
 */
final class AppProcess implements AutoCloseable {

	private static final Pattern WORKER_READY = Pattern.compile("\\[master\\] worker \\d+ .*is ready");

	private static final Pattern GUNICORN_WORKER_BOOTED = Pattern.compile("Booting worker with pid");

	private static final Pattern GUNICORN_LISTENING = Pattern.compile("Listening at: http://[^\\s]+:(\\d+)");

	private static final Pattern TOMCAT_STARTED = Pattern.compile("Tomcat started on port (\\d+)");

	/**
	 * The multi-jvm master's first line, with the port of its balancer, where clients
	 * connect (its workers' own Tomcat lines name their own ports).
	 */
	private static final Pattern MASTER_STARTED = Pattern
		.compile("\\[master\\] Master \\d+ started: .* on \\S+:(\\d+)$");

	/**
	 * The logger of the line that names a single-JVM app's port, kept at INFO whatever
	 * JVM options the suite is given: without that line the suite cannot find the app.
	 */
	private static final String TOMCAT_LOGGER = "--logging.level.org.springframework.boot.tomcat.TomcatWebServer=info";

	private static final Pattern TOTAL_TIME = Pattern
		.compile("\\{\\s*\"statistic\"\\s*:\\s*\"TOTAL_TIME\"\\s*,\\s*\"value\"\\s*:\\s*([0-9.eE+-]+)");

	private static final Duration STOP_GRACE = Duration.ofSeconds(15);

	private final Process process;

	private int port;

	private final Path log;

	private final long startNanos;

	private final AppModel model;

	private AppProcess(Process process, Path log, long startNanos, AppModel model) {
		this.process = process;
		this.log = log;
		this.startNanos = startNanos;
		this.model = model;
	}

	/**
	 * Starts the app and waits until it is ready.
	 * @param java the java binary
	 * @param jar the sample app's jar
	 * @param jvmArguments extra JVM options
	 * @param model the configuration
	 * @param log where the app's output goes
	 * @param bootTimeout bound on the wait
	 * @return the running app, ready
	 */
	static AppProcess start(String java, Path jar, List<String> jvmArguments, AppModel model, Path log,
			Duration bootTimeout) throws IOException, InterruptedException {
		Files.createDirectories(log.getParent());
		List<String> command = new ArrayList<>();
		if (model.gunicorn()) {
			command.addAll(Gunicorn.command(model, Gunicorn.extractApp(log.getParent().resolve("flask-app"))));
		}
		else {
			command.add(java);
			command.addAll(jvmArguments);
			command.add("-jar");
			command.add(jar.toString());
			command.add("--server.port=0");
			command.add("--server.address=127.0.0.1");
			command.add(TOMCAT_LOGGER);
			command.addAll(model.appArguments());
		}
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		// Without a profile the sample app needs no Redis; make sure none is picked up.
		builder.environment().remove("SPRING_PROFILES_ACTIVE");
		long startNanos = System.nanoTime();
		AppProcess app = new AppProcess(builder.start(), log, startNanos, model);
		try {
			app.awaitReady(model.workers(), bootTimeout);
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			app.close();
			throw ex;
		}
		return app;
	}

	private Duration startup;

	private void awaitReady(int workers, Duration timeout) throws IOException, InterruptedException {
		long deadline = this.startNanos + timeout.toNanos();
		String readiness = this.model.gunicorn() ? "/hello" : "/actuator/health/readiness";
		try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
			HttpRequest request = null;
			boolean answered = false;
			while (true) {
				if (!this.process.isAlive()) {
					throw new IllegalStateException("The app exited with status " + this.process.exitValue()
							+ " before it was ready; see " + this.log + tail());
				}
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("The app was not ready within " + timeout.toSeconds() + " s"
							+ ((this.port == 0) ? " (it never said which port it listens on)" : "") + "; see "
							+ this.log + tail());
				}
				if (request == null) {
					this.port = loggedPort();
					if (this.port != 0) {
						request = HttpRequest.newBuilder(uri(readiness)).timeout(Duration.ofSeconds(2)).build();
					}
				}
				if (request != null && !answered && status(client, request) == 200) {
					answered = true;
				}
				if (answered && readyWorkers() >= workers) {
					this.startup = Duration.ofNanos(System.nanoTime() - this.startNanos);
					return;
				}
				Thread.sleep(50);
			}
		}
	}

	private static int status(HttpClient client, HttpRequest request) throws InterruptedException {
		try {
			return client.send(request, BodyHandlers.discarding()).statusCode();
		}
		catch (IOException ex) {
			return -1;
		}
	}

	/**
	 * The port the app said it listens on, or 0 while it has not said so.
	 */
	private int loggedPort() {
		Pattern pattern = this.model.gunicorn() ? GUNICORN_LISTENING
				: (this.model.workers() > 0) ? MASTER_STARTED : TOMCAT_STARTED;
		try (var lines = Files.lines(this.log)) {
			return lines.map(pattern::matcher)
				.filter(Matcher::find)
				.mapToInt((matcher) -> Integer.parseInt(matcher.group(1)))
				.findFirst()
				.orElse(0);
		}
		catch (IOException | UncheckedIOException ex) {
			return 0;
		}
	}

	private String tail() {
		try {
			List<String> lines = Files.readAllLines(this.log);
			return ", which ends:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "";
		}
	}

	private long readyWorkers() {
		Pattern ready = this.model.gunicorn() ? GUNICORN_WORKER_BOOTED : WORKER_READY;
		try (var lines = Files.lines(this.log)) {
			return lines.filter((line) -> ready.matcher(line).find()).count();
		}
		catch (IOException | UncheckedIOException ex) {
			return 0;
		}
	}

	/**
	 * From the process start until its readiness answered 200 (and, for multi-jvm, every
	 * worker was reported ready).
	 */
	Duration startup() {
		return this.startup;
	}

	/**
	 * Reads the CPU time of the app, of its children and of this process, and the app's
	 * GC pause time. The pause time comes from the app's {@code jvm.gc.pause} metric, on
	 * single-JVM models only: under multi-jvm a request to the app's port reaches one
	 * worker of several. Gunicorn models have no such metric.
	 */
	Usage.Reading reading() {
		boolean singleJvm = !this.model.gunicorn() && this.model.workers() == 0;
		return Usage.Reading.of(this.process.toHandle(), singleJvm ? gcPauseSeconds() : Double.NaN);
	}

	private double gcPauseSeconds() {
		try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
			HttpRequest request = HttpRequest.newBuilder(uri("/actuator/metrics/jvm.gc.pause"))
				.timeout(Duration.ofSeconds(5))
				.build();
			HttpResponse<String> response = client.send(request, BodyHandlers.ofString());
			if (response.statusCode() == 404) {
				// The meter appears with the first pause: none yet.
				return 0;
			}
			Matcher total = TOTAL_TIME.matcher(response.body());
			return total.find() ? Double.parseDouble(total.group(1)) : Double.NaN;
		}
		catch (IOException | RuntimeException ex) {
			return Double.NaN;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Double.NaN;
		}
	}

	URI uri(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + this.port + pathAndQuery);
	}

	long pid() {
		return this.process.pid();
	}

	Path log() {
		return this.log;
	}

	@Override
	public void close() {
		List<ProcessHandle> descendants = this.process.descendants().toList();
		this.process.destroy();
		try {
			if (!this.process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		// Workers halt when their master dies; make sure of it before the next model.
		for (ProcessHandle descendant : descendants) {
			if (descendant.isAlive()) {
				descendant.destroyForcibly();
			}
		}
	}

}
