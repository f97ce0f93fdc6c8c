package io.github.bootconcurrency.autoconfigure.testsupport;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} (or {@code redis-sentinel}) process on a loopback port, for
 * tests. Nothing is mocked: the process is started from the machine's Redis binaries
 * (Debian's {@code redis-server} and {@code redis-sentinel} packages, which
 * {@code .ci/run} installs), and killed for real.
 *
 * <p>
 * Redis cannot listen on a port the kernel chooses: its port is one of
 * {@link FixedPorts}, and where another program listens already, the server fails to
 * bind, says so, and is started again on another port. Each process is watched by the
 * {@link Reaper}, and so is its directory.
 */
public final class RedisServer implements AutoCloseable {

	private static final Duration CLUSTER_TIMEOUT = Duration.ofSeconds(15);

	private static final Duration CLI_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration CLUSTER_CREATE_TIMEOUT = Duration.ofSeconds(60);

	/**
	 * A cluster node also listens on its port + 10000, its bus port.
	 */
	private static final int BUS_PORT_OFFSET = 10_000;

	private static final int START_ATTEMPTS = 10;

	private final Path directory;

	private final String password;

	private final boolean tls;

	private List<String> command;

	private int port;

	private RedisProcess process;

	private RedisServer(Path directory, String password, boolean tls) {
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
		return start(password, () -> FixedPorts.candidate(0));
	}

	/**
	 * Start a standalone server, on the first port {@code ports} gives where it can
	 * listen.
	 * @param password the password it requires, or {@code null} for none
	 * @param ports the ports to try, one a call
	 * @return the running server
	 */
	static RedisServer start(String password, IntSupplier ports) {
		return start(password, false, ports, (server, port) -> {
			List<String> arguments = new ArrayList<>(List.of("--port", Integer.toString(port)));
			if (password != null) {
				arguments.addAll(List.of("--requirepass", password));
			}
			return server.serverCommand(arguments);
		});
	}

	/**
	 * Start a server that speaks only TLS, with a fresh self-signed certificate that no
	 * client trusts.
	 * @return the running server
	 */
	public static RedisServer startTls() {
		return start(null, true, () -> FixedPorts.candidate(0), (server, port) -> {
			Path key = server.directory.resolve("key.pem");
			Path certificate = server.directory.resolve("cert.pem");
			if (!Files.exists(certificate)) {
				check(Commands.run(
						List.of(binary("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
								key.toString(), "-out", certificate.toString(), "-days", "2", "-subj", "/CN=localhost"),
						CLI_TIMEOUT));
			}
			return server.serverCommand(List.of("--port", "0", "--tls-port", Integer.toString(port), "--tls-cert-file",
					certificate.toString(), "--tls-key-file", key.toString(), "--tls-ca-cert-file",
					certificate.toString(), "--tls-auth-clients", "no"));
		});
	}

	/**
	 * Start a server that takes part in a cluster, not yet joined.
	 * @return the running server
	 */
	public static RedisServer startClusterNode() {
		return start(null, false, () -> FixedPorts.candidate(BUS_PORT_OFFSET),
				(server, port) -> server.serverCommand(List.of("--port", Integer.toString(port), "--cluster-enabled",
						"yes", "--cluster-config-file", "nodes-" + port + ".conf", "--cluster-node-timeout", "2000")));
	}

	/**
	 * Start a sentinel that monitors {@code master} under the name {@code masterName}.
	 * @param masterName the name of the monitored master
	 * @param master the master
	 * @return the running sentinel
	 */
	public static RedisServer startSentinel(String masterName, RedisServer master) {
		return start(null, false, () -> FixedPorts.candidate(0), (server, port) -> {
			Path config = server.directory.resolve("sentinel.conf");
			Files.writeString(config,
					String.join("\n", "port " + port, "bind 127.0.0.1", "dir " + server.directory,
							"sentinel monitor " + masterName + " 127.0.0.1 " + master.port() + " 1",
							"sentinel down-after-milliseconds " + masterName + " 5000", ""));
			return List.of(binary("redis-sentinel"), config.toString());
		});
	}

	/**
	 * Join three or more cluster nodes into one cluster that covers every slot.
	 * @param nodes the nodes
	 */
	public static void createCluster(List<RedisServer> nodes) {
		List<String> command = new ArrayList<>(List.of(binary("redis-cli"), "--cluster", "create"));
		nodes.forEach((node) -> command.add("127.0.0.1:" + node.port()));
		command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
		check(Commands.run(command, CLUSTER_CREATE_TIMEOUT));
		long deadline = System.nanoTime() + CLUSTER_TIMEOUT.toNanos();
		for (RedisServer node : nodes) {
			String info = node.command("CLUSTER", "INFO");
			while (!info.contains("cluster_state:ok")) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("The cluster did not reach cluster_state:ok within "
							+ CLUSTER_TIMEOUT + "; node " + node.port() + " says:\n" + info);
				}
				// The nodes agree by gossip, which no client can wait on: ask again.
				pause(100);
				info = node.command("CLUSTER", "INFO");
			}
		}
	}

	/**
	 * The command that runs a server on a port, with what it needs written for that port.
	 */
	private interface Command {

		List<String> of(RedisServer server, int port) throws IOException;

	}

	private static RedisServer start(String password, boolean tls, IntSupplier ports, Command command) {
		RedisServer server = new RedisServer(newDirectory(), password, tls);
		try {
			List<Integer> taken = new ArrayList<>();
			for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
				int port = ports.getAsInt();
				server.port = port;
				server.command = command.of(server, port);
				if (server.launch()) {
					return server;
				}
				taken.add(port);
			}
			throw new IllegalStateException("Redis found each port it tried taken: " + taken);
		}
		catch (IOException ex) {
			server.close();
			throw new UncheckedIOException(ex);
		}
		catch (RuntimeException | Error ex) {
			server.close();
			throw ex;
		}
	}

	private List<String> serverCommand(List<String> arguments) {
		List<String> command = new ArrayList<>(List.of(binary("redis-server"), "--bind", "127.0.0.1", "--save", "",
				"--appendonly", "no", "--dir", this.directory.toString()));
		command.addAll(arguments);
		return command;
	}

	public int port() {
		return this.port;
	}

	/**
	 * Kill the process at once, as a crash would.
	 */
	public void kill() {
		if (this.process != null && this.process.kill()) {
			this.process = null;
		}
	}

	/**
	 * Start the process again on the same port, as a server that comes back does.
	 */
	public void restart() {
		kill();
		// The port is below the ephemeral range, so no connection took it meanwhile, and
		// Redis binds with SO_REUSEADDR, so the killed server's connections left in
		// TIME_WAIT do not hold it.
		if (!launch()) {
			throw new IllegalStateException(
					"Redis could not listen on port " + this.port + " again: another program took it meanwhile");
		}
	}

	/**
	 * Send one command with {@code redis-cli} and return its reply.
	 * @param arguments the command and its arguments
	 * @return the reply, or the error text, as {@code redis-cli} prints it
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
		return Commands.run(command, CLI_TIMEOUT).output();
	}

	/**
	 * Start the process and wait, bounded, until it answers.
	 * @return {@code true} once it answers, {@code false} if its port was taken
	 */
	private boolean launch() {
		this.process = RedisProcess.start(this.command, this.port, this.directory.resolve("redis.log"), this::answers);
		return this.process != null;
	}

	Path directory() {
		return this.directory;
	}

	ProcessHandle handle() {
		return this.process.handle();
	}

	/**
	 * Kill the process and remove its directory.
	 */
	@Override
	public void close() {
		kill();
		try (Stream<Path> files = Files.walk(this.directory)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException | UncheckedIOException ex) {
			// The reaper removes it when the test JVM ends.
		}
	}

	/**
	 * Whether a server answers on the port now, each probe bounded.
	 */
	private boolean answers() {
		if (this.tls) {
			try {
				return command("PING").contains("PONG");
			}
			catch (IllegalStateException ex) {
				return false;
			}
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

	private static void check(Commands.Result result) {
		if (result.exitValue() != 0) {
			throw new IllegalStateException(
					"Exit status " + result.exitValue() + ": " + result.command() + "\n" + result.output());
		}
	}

	static String binary(String name) {
		String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator
				+ "/usr/bin:/usr/local/bin:/usr/sbin";
		return Stream.of(path.split(File.pathSeparator))
			.map((directory) -> new File(directory, name))
			.filter(File::canExecute)
			.map(File::getAbsolutePath)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(name + " is not installed. The Redis tests start real Redis"
					+ " servers: install them with 'apt-get install -y redis-server redis-sentinel' (bash .ci/run"
					+ " does)."));
	}

	private static Path newDirectory() {
		try {
			Path directory = Files.createTempDirectory("redis-");
			Reaper.removeOnExit(directory);
			return directory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
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
