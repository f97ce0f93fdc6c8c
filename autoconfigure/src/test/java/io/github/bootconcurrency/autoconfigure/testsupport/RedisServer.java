package io.github.bootconcurrency.autoconfigure.testsupport;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (or {@code redis-sentinel}) process on a free loopback
 * port, for tests. Nothing is mocked: the process is started from the machine's Redis
 * binaries (Debian's {@code redis-server} and {@code redis-sentinel} packages, which
 * {@code .ci/run} installs), and killed for real.
 */
public final class RedisServer implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

	private final List<String> command;

	private final int port;

	private final Path directory;

	private final String password;

	private final boolean tls;

	private Process process;

	private RedisServer(List<String> command, int port, Path directory, String password) {
		this(command, port, directory, password, false);
	}

	private RedisServer(List<String> command, int port, Path directory, String password, boolean tls) {
		this.command = command;
		this.port = port;
		this.directory = directory;
		this.password = password;
		this.tls = tls;
	}

	/**
	 * Start a standalone server with no password.
	 * @return the running server
	 */
	public static RedisServer start() {
		return start(null);
	}

	/**
	 * Start a standalone server.
	 * @param password the password it requires, or {@code null} for none
	 * @return the running server
	 */
	public static RedisServer start(String password) {
		int port = freePort(false);
		List<String> arguments = new ArrayList<>(List.of("--port", Integer.toString(port)));
		if (password != null) {
			arguments.addAll(List.of("--requirepass", password));
		}
		return start("redis-server", port, password, arguments);
	}

	/**
	 * Start a server that speaks only TLS, with a fresh self-signed certificate that no
	 * client trusts.
	 * @return the running server
	 */
	public static RedisServer startTls() {
		int port = freePort(false);
		Path directory = directory(port);
		Path key = directory.resolve("key.pem");
		Path certificate = directory.resolve("cert.pem");
		run(List.of(binary("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
				"-out", certificate.toString(), "-days", "2", "-subj", "/CN=localhost"));
		RedisServer server = new RedisServer(List.of(binary("redis-server"), "--bind", "127.0.0.1", "--save", "",
				"--appendonly", "no", "--dir", directory.toString(), "--port", "0", "--tls-port",
				Integer.toString(port), "--tls-cert-file", certificate.toString(), "--tls-key-file", key.toString(),
				"--tls-ca-cert-file", certificate.toString(), "--tls-auth-clients", "no"), port, directory, null, true);
		server.launch();
		return server;
	}

	/**
	 * Start a server that takes part in a cluster, not yet joined.
	 * @return the running server
	 */
	public static RedisServer startClusterNode() {
		int port = freePort(true);
		return start("redis-server", port, null, List.of("--port", Integer.toString(port), "--cluster-enabled", "yes",
				"--cluster-config-file", "nodes-" + port + ".conf", "--cluster-node-timeout", "2000"));
	}

	/**
	 * Start a sentinel that monitors {@code master} under the name {@code masterName}.
	 * @param masterName the name of the monitored master
	 * @param master the master
	 * @return the running sentinel
	 */
	public static RedisServer startSentinel(String masterName, RedisServer master) {
		int port = freePort(false);
		Path directory = directory(port);
		Path config = directory.resolve("sentinel.conf");
		try {
			Files.writeString(config,
					String.join("\n", "port " + port, "bind 127.0.0.1", "dir " + directory,
							"sentinel monitor " + masterName + " 127.0.0.1 " + master.port() + " 1",
							"sentinel down-after-milliseconds " + masterName + " 5000", ""));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		RedisServer sentinel = new RedisServer(List.of(binary("redis-sentinel"), config.toString()), port, directory,
				null);
		sentinel.launch();
		return sentinel;
	}

	/**
	 * Join three or more cluster nodes into one cluster that covers every slot.
	 * @param nodes the nodes
	 */
	public static void createCluster(List<RedisServer> nodes) {
		List<String> command = new ArrayList<>(List.of(binary("redis-cli"), "--cluster", "create"));
		nodes.forEach((node) -> command.add("127.0.0.1:" + node.port()));
		command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
		run(command);
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		for (RedisServer node : nodes) {
			while (!node.command("CLUSTER", "INFO").contains("cluster_state:ok")) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Cluster did not reach cluster_state:ok");
				}
				pause(100);
			}
		}
	}

	private static RedisServer start(String binary, int port, String password, List<String> arguments) {
		Path directory = directory(port);
		List<String> command = new ArrayList<>(List.of(binary(binary), "--bind", "127.0.0.1", "--save", "",
				"--appendonly", "no", "--dir", directory.toString()));
		command.addAll(arguments);
		RedisServer server = new RedisServer(command, port, directory, password);
		server.launch();
		return server;
	}

	public int port() {
		return this.port;
	}

	/**
	 * Kill the process at once, as a crash would.
	 */
	public void kill() {
		if (this.process != null && this.process.isAlive()) {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Start the process again on the same port.
	 */
	public void restart() {
		kill();
		launch();
	}

	/**
	 * Send one command and return the first line of the reply.
	 * @param arguments the command and its arguments
	 * @return the reply, or the error text
	 */
	public String command(String... arguments) {
		List<String> command = new ArrayList<>(
				List.of(binary("redis-cli"), "-h", "127.0.0.1", "-p", Integer.toString(this.port)));
		if (this.tls) {
			command.addAll(List.of("--tls", "--insecure"));
		}
		if (this.password != null) {
			command.addAll(List.of("--no-auth-warning", "-a", this.password));
		}
		command.addAll(List.of(arguments));
		return run(command);
	}

	@Override
	public void close() {
		kill();
	}

	private void launch() {
		try {
			File log = this.directory.resolve("redis.log").toFile();
			this.process = new ProcessBuilder(this.command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log))
				.start();
			long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
			while (!answers()) {
				if (!this.process.isAlive() || System.nanoTime() > deadline) {
					throw new IllegalStateException(
							"Redis did not start on port " + this.port + ": " + Files.readString(log.toPath()));
				}
				pause(50);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start " + this.command, ex);
		}
	}

	private boolean answers() {
		if (this.tls) {
			return command("PING").contains("PONG");
		}
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 500);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
				.readLine();
			// A server that wants a password answers -NOAUTH: it is up all the same.
			return reply != null && (reply.startsWith("+PONG") || reply.startsWith("-NOAUTH"));
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static String run(List<String> command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("Timed out: " + command);
			}
			return output;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static String binary(String name) {
		for (String directory : System.getenv()
			.getOrDefault("PATH", "/usr/bin:/usr/local/bin")
			.split(File.pathSeparator)) {
			File candidate = new File(directory, name);
			if (candidate.canExecute()) {
				return candidate.getAbsolutePath();
			}
		}
		for (String directory : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
			File candidate = new File(directory, name);
			if (candidate.canExecute()) {
				return candidate.getAbsolutePath();
			}
		}
		throw new IllegalStateException(name + " is not installed. The Redis tests start real Redis servers:"
				+ " install them with 'apt-get install -y redis-server redis-sentinel' (bash .ci/run does).");
	}

	private static Path directory(int port) {
		try {
			return Files.createTempDirectory("redis-" + port + "-");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return a port that is free now, in a range where {@code port + 10000} (a cluster
	 * node's bus port) is valid and free too.
	 */
	static int freePort(boolean withBusPort) {
		for (int i = 0; i < 200; i++) {
			int port = ThreadLocalRandom.current().nextInt(20_000, 50_000);
			if (isFree(port) && (!withBusPort || isFree(port + 10_000))) {
				return port;
			}
		}
		throw new IllegalStateException("No free port found");
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(false);
			socket.bind(new InetSocketAddress("127.0.0.1", port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
