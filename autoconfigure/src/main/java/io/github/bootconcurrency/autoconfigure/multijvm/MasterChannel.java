package io.github.bootconcurrency.autoconfigure.multijvm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The master's private control channel: how workers report their figures, read the
 * cluster view and ask for a reload or a new worker count.
 *
 * <p>
 * Design: a Unix domain socket in a directory only the master's user can enter, so
 * nothing outside the machine, and no other user on it, can reach it. On top of that,
 * each request names a worker and carries the secret token the master gave that worker
 * in its environment, and the peer's user must be the master's own: anything else is
 * answered {@code DENIED} and logged. A request is one line, {@code <worker id> <token>
 * <command> [arguments]}; the answer is {@code OK} or {@code DENIED}/{@code ERROR} with a
 * reason, then the answer's lines, then the connection closes.
 */
final class MasterChannel {

	/**
	 * What the channel asks of the master.
	 */
	interface Master {

		boolean authenticate(int workerId, String token);

		void report(int workerId, long requests, long heapUsedBytes);

		ClusterView view();

		/**
		 * Queue a command for the master's loop.
		 * @param event the event, as the loop reads it
		 */
		void submit(String event);

	}

	private final Path directory;

	private final Path socket;

	private final ServerSocketChannel server;

	private final Master master;

	private final PrintStream log;

	private final UserPrincipal owner;

	private volatile boolean closed;

	private MasterChannel(Path directory, ServerSocketChannel server, Master master, PrintStream log)
			throws IOException {
		this.directory = directory;
		this.socket = directory.resolve("master.sock");
		this.server = server;
		this.master = master;
		this.log = log;
		this.owner = Files.getOwner(directory);
	}

	static MasterChannel open(Master master, PrintStream log) {
		try {
			Path directory = Files.createTempDirectory("concurrency-master-",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
			server.bind(UnixDomainSocketAddress.of(directory.resolve("master.sock")));
			MasterChannel channel = new MasterChannel(directory, server, master, log);
			Thread.ofVirtual().name("multi-jvm-master-channel").start(channel::accept);
			return channel;
		}
		catch (IOException | UnsupportedOperationException ex) {
			throw new IllegalStateException("Cannot open the multi-jvm master's control channel: " + ex.getMessage(),
					ex);
		}
	}

	Path socket() {
		return this.socket;
	}

	private void accept() {
		while (!this.closed) {
			try {
				SocketChannel connection = this.server.accept();
				Thread.ofVirtual().start(() -> serve(connection));
			}
			catch (IOException ex) {
				if (!this.closed) {
					this.log.println("[master] Control channel: " + ex.getMessage());
				}
			}
		}
	}

	private void serve(SocketChannel connection) {
		try (connection;
				BufferedReader in = new BufferedReader(
						new InputStreamReader(Channels.newInputStream(connection), StandardCharsets.UTF_8));
				OutputStream out = Channels.newOutputStream(connection)) {
			String line = in.readLine();
			List<String> answer = answer(connection, line);
			out.write((String.join("\n", answer) + "\n").getBytes(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			// The worker went away mid-request: it asks again on its next turn.
		}
	}

	private List<String> answer(SocketChannel connection, String line) throws IOException {
		String[] words = (line != null) ? line.trim().split(" ") : new String[0];
		UnixDomainPrincipal peer = connection.getOption(ExtendedSocketOptions.SO_PEERCRED);
		if (!Objects.equals(peer.user(), this.owner)) {
			return deny("a process of user " + peer.user().getName() + ", not the master's");
		}
		if (words.length < 3 || !isNumber(words[0])) {
			return deny("a malformed request");
		}
		int workerId = Integer.parseInt(words[0]);
		if (!this.master.authenticate(workerId, words[1])) {
			return deny("a request that is not from worker " + workerId + " (wrong or stale token)");
		}
		try {
			return switch (words[2]) {
				case "REPORT" -> {
					this.master.report(workerId, Long.parseLong(words[3]), Long.parseLong(words[4]));
					yield List.of("OK");
				}
				case "STATUS" -> {
					List<String> lines = new ArrayList<>(List.of("OK"));
					lines.addAll(this.master.view().encode());
					yield lines;
				}
				case "SCALE" -> {
					this.master.submit("SCALE " + Integer.parseInt(words[3]));
					yield List.of("OK");
				}
				case "RELOAD" -> {
					this.master.submit("RELOAD");
					yield List.of("OK");
				}
				default -> List.of("ERROR unknown command " + words[2]);
			};
		}
		catch (RuntimeException ex) {
			return List.of("ERROR bad arguments for " + words[2]);
		}
	}

	private List<String> deny(String what) {
		// Never echo the request: it may hold a token.
		this.log.println("[master] WARNING: control channel refused " + what);
		return List.of("DENIED");
	}

	private static boolean isNumber(String word) {
		return !word.isEmpty() && word.length() < 10 && word.chars().allMatch(Character::isDigit);
	}

	void close() {
		this.closed = true;
		try {
			this.server.close();
			Files.deleteIfExists(this.socket);
			Files.deleteIfExists(this.directory);
		}
		catch (IOException ex) {
			this.log.println("[master] Could not remove " + this.directory + ": " + ex.getMessage());
		}
	}

}
