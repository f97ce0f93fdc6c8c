package io.github.bootconcurrency.autoconfigure.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application started as a user starts it, with {@code concurrency.model=multi-jvm},
 * so that it becomes the master of real worker JVMs; its output is collected as it runs.
 * Shared by the auto-configuration's and the sample app's tests.
 */
public final class MasterProcess {

	private static final Pattern READY = Pattern
		.compile("\\[master\\] worker (\\d+) \\(pid (\\d+), port \\d+, ready\\) is ready");

	private final Process process;

	private final int port;

	private final StringBuffer output = new StringBuffer();

	private MasterProcess(Process process, int port) {
		this.process = process;
		this.port = port;
		Thread.ofVirtual().start(() -> {
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					this.output.append(line).append('\n');
				}
			}
			catch (IOException ex) {
				// The master is gone.
			}
		});
	}

	/**
	 * Start a master on a free port.
	 * @param mainClass the application's main class
	 * @param classPath the class path it runs with, which its workers inherit
	 * @param workers the number of workers, or 0 to leave it to the configuration
	 * @param wrapper a command that runs the master's command line, such as a shell that
	 * changes the signals it inherits, or an empty list
	 * @param arguments more application arguments
	 * @return the running master
	 * @throws IOException if the process cannot be started
	 */
	public static MasterProcess start(Class<?> mainClass, String classPath, int workers, List<String> wrapper,
			String... arguments) throws IOException {
		int port = freePort();
		List<String> command = new ArrayList<>(wrapper);
		command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
				"--enable-native-access=ALL-UNNAMED", "-cp", classPath, mainClass.getName(), "--server.port=" + port,
				"--concurrency.model=multi-jvm"));
		if (workers > 0) {
			command.add("--concurrency.multi-jvm.workers=" + workers);
		}
		command.addAll(List.of(arguments));
		return new MasterProcess(new ProcessBuilder(command).redirectErrorStream(true).start(), port);
	}

	public Process process() {
		return this.process;
	}

	public int port() {
		return this.port;
	}

	public String output() {
		return this.output.toString();
	}

	/**
	 * Wait until the master has logged this many "is ready" lines in all, or has exited.
	 * @param readyLines the number of lines
	 */
	public void awaitReady(int readyLines) {
		await().atMost(Duration.ofSeconds(90)).until(() -> readyPids().size() >= readyLines || !this.process.isAlive());
		assertThat(readyPids()).as(output()).hasSizeGreaterThanOrEqualTo(readyLines);
	}

	/**
	 * Return the pid of every worker that became ready, in order, gone or not.
	 * @return the pids
	 */
	public List<Long> readyPids() {
		List<Long> pids = new ArrayList<>();
		Matcher matcher = READY.matcher(output());
		while (matcher.find()) {
			pids.add(Long.parseLong(matcher.group(2)));
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
		Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(this.process.pid())).start();
		assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(kill.exitValue()).isZero();
	}

	/**
	 * Kill the master and everything it started.
	 */
	public void kill() {
		this.process.descendants().forEach(ProcessHandle::destroyForcibly);
		this.process.destroyForcibly();
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
		Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start();
		assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(kill.exitValue()).isZero();
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

	public static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", 0));
			return socket.getLocalPort();
		}
	}

}
