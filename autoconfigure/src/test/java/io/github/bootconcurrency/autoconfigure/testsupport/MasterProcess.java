package io.github.bootconcurrency.autoconfigure.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application started as a user starts it, with {@code concurrency.model=multi-jvm},
 * so that it becomes the master of real worker JVMs; its output is collected as it runs.
 * Shared by the auto-configuration's and the sample app's tests, usually through
 * {@link Masters}.
 *
 * <p>
 * It listens on a port the kernel chooses ({@code server.port=0}, unless the arguments
 * set one), read back from the master's first line. It is watched by the {@link Reaper},
 * so that it stops even if the test JVM dies first.
 */
public final class MasterProcess {

	/**
	 * How long a worker JVM may take to boot on a busy 2-core machine.
	 */
	public static final Duration BOOT_TIMEOUT = Duration.ofSeconds(120);

	private static final Pattern STARTED = Pattern.compile("\\[master\\] Master \\d+ started: .* on \\S+:(\\d+)$");

	private static final Pattern READY = Pattern
		.compile("\\[master\\] worker (\\d+) \\(pid (\\d+), port \\d+, ready\\) is ready");

	private final Process process;

	private final ProcessOutput output;

	private final List<String> command;

	private int port;

	private final ChildTempDir temp;

	private MasterProcess(Process process, List<String> command, ChildTempDir temp) {
		this.process = process;
		this.command = command;
		this.temp = temp;
		this.output = ProcessOutput.of("the master (pid " + process.pid() + ")", process);
		Reaper.watch(process.toHandle());
	}

	/**
	 * JVM options of the tests' own JVMs, which the workers inherit: the C1 compiler
	 * only. A test's JVMs live seconds, and on 2 cores the C2 compiler's threads took the
	 * CPU that several JVMs booting at once need (a sample worker booted in 3 to 7 s
	 * instead of 11 to 28 s, at load 9); nothing the tests check depends on the JIT.
	 */
	public static final List<String> TEST_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1");

	/**
	 * Return the command that runs an application's main class from a class path with the
	 * test's own JVM.
	 * @param mainClass the application's main class
	 * @param classPath the class path, which the workers inherit
	 * @return the command
	 */
	public static List<String> javaCommand(Class<?> mainClass, String classPath) {
		List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m"));
		command.addAll(TEST_JVM_OPTIONS);
		command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", classPath, mainClass.getName()));
		return command;
	}

	/**
	 * Return the command that runs an executable jar with the test's own JVM, as its
	 * README says: {@code java -jar app.jar}, with no option a user would not give.
	 * @param jar the jar
	 * @return the command
	 */
	public static List<String> javaJarCommand(Path jar) {
		return List.of(java(), "-Xmx256m", "-jar", jar.toAbsolutePath().toString());
	}

	/**
	 * Return the test JVM's own {@code java}.
	 * @return its path
	 */
	public static String java() {
		return ProcessHandle.current().info().command().orElse("java");
	}

	/**
	 * Start a master.
	 * @param application the command that runs the application, without its arguments
	 * @param balancer the balancer
	 * @param workers the number of workers, or 0 to leave it to the configuration
	 * @param wrapper a command that runs the master's command line, such as a shell that
	 * changes the signals it inherits, or an empty list
	 * @param arguments more application arguments
	 * @return the running master
	 * @throws IOException if the process cannot be started
	 */
	public static MasterProcess start(List<String> application, Balancer balancer, int workers, List<String> wrapper,
			List<String> arguments) throws IOException {
		return start(application, balancer, workers, wrapper, Map.of(), arguments);
	}

	/**
	 * Start a master with more environment variables.
	 * @param application the command that runs the application, without its arguments
	 * @param balancer the balancer
	 * @param workers the number of workers, or 0 to leave it to the configuration
	 * @param wrapper a command that runs the master's command line, or an empty list
	 * @param environment variables added to the test's own environment, such as
	 * {@code SPRING_APPLICATION_JSON}
	 * @param arguments more application arguments
	 * @return the running master
	 * @throws IOException if the process cannot be started
	 */
	public static MasterProcess start(List<String> application, Balancer balancer, int workers, List<String> wrapper,
			Map<String, String> environment, List<String> arguments) throws IOException {
		ChildTempDir temp = ChildTempDir.create();
		if (wrapper.isEmpty()) {
			wrapper = DefaultSignals.WRAPPER;
		}
		List<String> command = new ArrayList<>(wrapper);
		command.addAll(application);
		// Right after the java binary: the master's and its workers' temporary files.
		command.add(wrapper.size() + 1, temp.jvmOption());
		if (arguments.stream().noneMatch((argument) -> argument.startsWith("--server.port="))) {
			command.add("--server.port=0");
		}
		command.add("--concurrency.model=multi-jvm");
		command.addAll(balancer.arguments());
		if (workers > 0) {
			command.add("--concurrency.multi-jvm.workers=" + workers);
		}
		command.addAll(arguments);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().putAll(environment);
		return new MasterProcess(builder.start(), command, temp);
	}

	public Process process() {
		return this.process;
	}

	/**
	 * Return the port the master listens on, waiting for it to say so.
	 * @return the port
	 */
	public synchronized int port() {
		if (this.port == 0) {
			Matcher started = STARTED.matcher(this.output.await(STARTED, 1, Duration.ofSeconds(60)).text());
			assertThat(started.find()).isTrue();
			this.port = Integer.parseInt(started.group(1));
		}
		return this.port;
	}

	public String output() {
		return this.output.text();
	}

	/**
	 * Return the master's output, line by line, as it comes.
	 * @return the output
	 */
	public ProcessOutput lines() {
		return this.output;
	}

	List<String> command() {
		return this.command;
	}

	/**
	 * Wait until the master has logged this many "is ready" lines in all.
	 * @param readyLines the number of lines
	 * @throws AssertionError if they do not come within {@link #BOOT_TIMEOUT} per worker
	 * not yet ready, or the master exits first
	 */
	public void awaitReady(int readyLines) {
		int missing = Math.max(1, readyLines - readyPids().size());
		this.output.await(READY, readyLines, BOOT_TIMEOUT.multipliedBy(missing));
	}

	/**
	 * Wait until the master says a worker stopped, as it does once it has reaped a worker
	 * it had asked to stop.
	 * @param pid the worker's pid
	 * @param timeout how long to wait at most
	 */
	public void awaitStopped(long pid, Duration timeout) {
		this.output.await(Pattern.compile("worker \\d+ \\(pid " + pid + ", .*\\) stopped with status"), 1, timeout);
	}

	/**
	 * Wait until the master has exited.
	 * @param timeout how long to wait at most
	 * @return its exit status
	 * @throws AssertionError if it still runs after the timeout
	 */
	public int awaitExit(Duration timeout) throws InterruptedException {
		assertThat(this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
			.as("the master exited within %s; its last lines:%n%s", timeout, this.output.tail(60))
			.isTrue();
		this.output.awaitEnd(Duration.ofSeconds(10));
		return this.process.exitValue();
	}

	/**
	 * Return the pid of every worker that became ready, in order, gone or not.
	 * @return the pids
	 */
	public List<Long> readyPids() {
		List<Long> pids = new ArrayList<>();
		for (ProcessOutput.Line line : this.output.lines()) {
			Matcher matcher = READY.matcher(line.text());
			if (matcher.find()) {
				pids.add(Long.parseLong(matcher.group(2)));
			}
		}
		return pids;
	}

	/**
	 * Return the pids of the master's children that still run.
	 * @return the pids
	 */
	public List<Long> livePids() {
		return this.process.children().map(ProcessHandle::pid).filter(MasterProcess::running).toList();
	}

	/**
	 * Send the master a signal with {@code kill}.
	 * @param name the signal's name, such as {@code HUP}
	 * @throws Exception if {@code kill} fails
	 */
	public void signal(String name) throws Exception {
		signal(name, this.process.pid());
	}

	/**
	 * Kill the master and everything it started, and wait, bounded, until they are gone
	 * and the master's output is read to its end.
	 */
	public void kill() {
		List<ProcessHandle> all = new ArrayList<>(this.process.descendants().toList());
		all.forEach(ProcessHandle::destroyForcibly);
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
			for (ProcessHandle descendant : all) {
				descendant.onExit().get(10, TimeUnit.SECONDS);
			}
		}
		catch (Exception ex) {
			// Reported by the reaper's sweep at the latest.
		}
		this.output.awaitEnd(Duration.ofSeconds(10));
		if (!this.process.isAlive()) {
			Reaper.forget(this.process.toHandle());
			if (all.stream().noneMatch(ProcessHandle::isAlive)) {
				this.temp.remove();
			}
		}
	}

	/**
	 * Whether the process still runs: a worker orphaned by its master's SIGKILL may stay
	 * a zombie until whatever adopted it reaps it, and a zombie no longer runs or serves.
	 * @param pid the process id
	 * @return whether it runs
	 */
	public static boolean running(long pid) {
		try {
			String stat = Files.readAllLines(Path.of("/proc/" + pid + "/stat")).get(0);
			return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Send a process a signal with {@code kill}.
	 * @param name the signal's name, such as {@code STOP}
	 * @param pid the process id
	 * @throws Exception if {@code kill} fails
	 */
	public static void signal(String name, long pid) throws Exception {
		Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(kill.exitValue()).as("kill -%s %d", name, pid).isZero();
	}

	/**
	 * Return a process's command-line arguments, from /proc.
	 * @param pid the process id
	 * @return the arguments, the program first
	 * @throws IOException if /proc cannot be read
	 */
	public static List<String> commandLine(long pid) throws IOException {
		String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline"), StandardCharsets.UTF_8);
		return List.of(cmdline.split("\0"));
	}

	/**
	 * Return the TCP ports a process listens on, from /proc: the sockets among its file
	 * descriptors that the kernel lists in the LISTEN state.
	 * @param pid the process id
	 * @return the ports
	 * @throws IOException if /proc cannot be read
	 */
	public static Set<Integer> listeningPorts(long pid) throws IOException {
		Set<String> inodes = new HashSet<>();
		try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
			for (Path fd : fds) {
				try {
					String target = Files.readSymbolicLink(fd).toString();
					if (target.startsWith("socket:[")) {
						inodes.add(target.substring(8, target.length() - 1));
					}
				}
				catch (IOException ex) {
					// Closed meanwhile.
				}
			}
		}
		Set<Integer> ports = new HashSet<>();
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			for (String line : Files.readAllLines(Path.of(table))) {
				String[] fields = line.trim().split("\\s+");
				// local_address is ADDRESS:PORT in hex; state 0A is LISTEN; the inode is
				// field 9.
				if (fields.length > 9 && "0A".equals(fields[3]) && inodes.contains(fields[9])) {
					String local = fields[1];
					ports.add(Integer.parseInt(local.substring(local.indexOf(':') + 1), 16));
				}
			}
		}
		return ports;
	}

	/**
	 * The signals a master is tested with, as they are on a terminal: a build started
	 * under {@code nohup} or as a script's background job passes SIGHUP or SIGINT on
	 * ignored, the JVM keeps them ignored, and a master started from it could not be
	 * reloaded with {@code kill -HUP} (it says so at startup: a full run under
	 * {@code nohup} failed every reload test). GNU {@code env --default-signal} puts them
	 * back, then runs the master's command in the same process.
	 */
	private static final class DefaultSignals {

		static final List<String> WRAPPER = probe();

		private static List<String> probe() {
			List<String> wrapper = List.of("env", "--default-signal=HUP,INT");
			try {
				Process process = new ProcessBuilder(concat(wrapper, List.of("true"))).redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.start();
				if (process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && process.exitValue() == 0) {
					return wrapper;
				}
				process.destroyForcibly();
			}
			catch (IOException ex) {
				// No GNU env: the signals stay as inherited.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return List.of();
		}

		private static List<String> concat(List<String> first, List<String> second) {
			List<String> all = new ArrayList<>(first);
			all.addAll(second);
			return all;
		}

	}

}
