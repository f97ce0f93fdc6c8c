package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ClusterView;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.jspecify.annotations.Nullable;

/**
 * The master's private control channel: how workers report their figures, read the
 * cluster view and ask for a reload or a new worker count.
 *
 * <p>
 * Design: a Unix domain socket in a directory only the master's user can enter, so
 * nothing outside the machine, and no other user on it, can reach it. On top of that,
 * each request names a worker and carries the secret token the master gave that worker in
 * its environment, and the peer's user must be the master's own: anything else is
 * answered {@code DENIED} and logged. A request is one line, {@code <worker id> <token>
 * <command> [arguments]}; the answer is {@code OK} or {@code DENIED}/{@code ERROR} with a
 * reason, then the answer's lines, then the connection closes.
 *
 * <p>
 * Commands: {@code HEARTBEAT <ready 0|1> <port> <requests> <heap bytes> <deadlocked
 * threads> [<heap after gc bytes> <max heap bytes> <collections> <stuck ms>]}, which a
 * worker sends every second from a thread of its own and which is also how it says it is
 * ready and on which port it serves (fields after the first five may be missing: the heap
 * figures then read -1 and the stuck time 0; fields after those this master reads are
 * ignored, so that a field added later breaks no reader); {@code STATUS}, the cluster
 * view; {@code SCALE <workers>} and {@code RELOAD}, from the actuator, answered once the
 * loop took them ({@code SCALE} with a line {@code target <workers>}: the count the
 * master set). Each becomes an {@link Event} for the master's loop; nothing here changes
 * a worker.
 */
final class MasterChannel {

	/**
	 * What the channel asks of the master.
	 */
	interface Master {

		boolean authenticate(int workerId, String token);

		ClusterView view();

		/**
		 * Queue an event for the master's loop.
		 * @param event the event
		 */
		void submit(Event event);

		/**
		 * Return every worker the master runs, for a scrape.
		 * @return the workers
		 */
		default List<Worker> workers() {
			return List.of();
		}

		/**
		 * Write the master's own series, for a scrape.
		 * @param series where they go
		 */
		default void describe(MetricFamilies series) {
		}

	}

	private static final int MAX_LINE = 512;

	/**
	 * The classes the accept loop needs when the process is out of file descriptors,
	 * loaded with this one: loading a class then fails, as it has to open the jar
	 * (MasterChannelOutOfDescriptorsIT saw the loop die of a NoClassDefFoundError when
	 * the log's class was first needed there).
	 */
	private static final List<Class<?>> NEEDED_WITHOUT_DESCRIPTORS = List.of(MasterLog.class,
			Event.ChannelTrouble.class);

	private static final Duration LOOP_ANSWER_TIMEOUT = Duration.ofSeconds(10);

	private static final Pattern METRIC_NAMES = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(,[a-zA-Z_:][a-zA-Z0-9_:]*)*");

	private final Path directory;

	private final Path socket;

	private final ServerSocketChannel server;

	private volatile Master master;

	private final PrintStream log;

	private final UserPrincipal owner;

	private final ClusterScrape scrape;

	private volatile boolean closed;

	private MasterChannel(Path directory, ServerSocketChannel server, PrintStream log) throws IOException {
		this.directory = directory;
		this.socket = directory.resolve("master.sock");
		this.server = server;
		this.log = log;
		this.owner = Files.getOwner(directory);
		this.scrape = new ClusterScrape(directory, ClusterScrape.FETCH_TIMEOUT);
	}

	/**
	 * Bind the channel's socket. It answers nobody until {@link #serve(Master)}.
	 * @param log where refusals and errors go
	 * @return the channel
	 */
	static MasterChannel open(PrintStream log) {
		try {
			Path directory = Files.createTempDirectory("concurrency-master-",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
			server.bind(UnixDomainSocketAddress.of(directory.resolve("master.sock")));
			return new MasterChannel(directory, server, log);
		}
		catch (IOException | UnsupportedOperationException ex) {
			throw new IllegalStateException("Cannot open the multi-jvm master's control channel: " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * Start answering requests on behalf of a master.
	 * @param master the master
	 */
	void serve(Master master) {
		this.master = master;
		Thread.ofVirtual().name("multi-jvm-master-channel").start(this::accept);
	}

	Path socket() {
		return this.socket;
	}

	/**
	 * Accept connections until closed. A failing accept (no file descriptor left) backs
	 * off, up to a second, and is logged once until accepting works again: it must not
	 * turn into a busy loop that floods the log. The master's loop is told, since no
	 * heartbeat can arrive meanwhile.
	 */
	private void accept() {
		long backoffMillis = 0;
		while (!this.closed) {
			try {
				SocketChannel connection = this.server.accept();
				if (backoffMillis != 0) {
					this.master.submit(new Event.ChannelTrouble(false));
					backoffMillis = 0;
				}
				Thread.ofVirtual().start(() -> serve(connection));
			}
			catch (IOException ex) {
				if (this.closed) {
					return;
				}
				if (backoffMillis == 0) {
					MasterLog.println(this.log, "Control channel cannot accept (retrying): " + ex.getMessage());
					this.master.submit(new Event.ChannelTrouble(true));
				}
				backoffMillis = Math.min(1000, Math.max(10, backoffMillis * 2));
				try {
					Thread.sleep(backoffMillis);
				}
				catch (InterruptedException interrupted) {
					return;
				}
			}
		}
	}

	private void serve(SocketChannel connection) {
		try (connection;
				InputStream in = new BufferedInputStream(Channels.newInputStream(connection), MAX_LINE);
				OutputStream out = Channels.newOutputStream(connection)) {
			String line = readLine(in);
			List<String> answer = answer(connection, line);
			// Line by line: a cluster scrape's answer is not copied into one more string.
			Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
			for (String next : answer) {
				writer.write(next);
				writer.write('\n');
			}
			writer.flush();
		}
		catch (IOException ex) {
			// The worker went away mid-request: it asks again on its next turn.
		}
	}

	/**
	 * Read one request line, at most {@link #MAX_LINE} bytes: a request is a few words,
	 * and a peer that sends an endless line must not fill the master's heap.
	 * @return the line, or {@code null} if it is missing or too long
	 */
	private static @Nullable String readLine(InputStream in) throws IOException {
		byte[] line = new byte[MAX_LINE];
		int length = 0;
		for (int next = in.read(); next != -1 && next != '\n'; next = in.read()) {
			if (length == MAX_LINE) {
				return null;
			}
			line[length++] = (byte) next;
		}
		return new String(line, 0, length, StandardCharsets.UTF_8);
	}

	private List<String> answer(SocketChannel connection, @Nullable String line) throws IOException {
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
				case "HEARTBEAT" -> {
					this.master.submit(new Event.Heartbeat(workerId, "1".equals(words[3]), Integer.parseInt(words[4]),
							Long.parseLong(words[5]), Long.parseLong(words[6]), Integer.parseInt(words[7]),
							optional(words, 8), optional(words, 9), optional(words, 10),
							Math.max(0, optional(words, 11))));
					yield List.of("OK");
				}
				case "STATUS" -> {
					List<String> lines = new ArrayList<>(List.of("OK"));
					lines.addAll(this.master.view().encode());
					yield lines;
				}
				case "SCALE" -> {
					Event.ScaleRequested request = new Event.ScaleRequested(Integer.parseInt(words[3]));
					this.master.submit(request);
					OptionalInt target = awaitLoop(request.accepted());
					yield (target != null && target.isPresent()) ? List.of("OK", "target " + target.getAsInt())
							: List.of(refused(target != null));
				}
				case "SCRAPE" -> {
					try {
						List<String> lines = new ArrayList<>(List.of("OK"));
						lines.addAll(this.scrape.scrape(this.master.workers(), this.master::describe,
								metricNames((words.length > 3) ? words[3] : "")));
						yield lines;
					}
					catch (ClusterScrape.Busy ex) {
						yield List.of("ERROR busy: " + ex.getMessage());
					}
				}
				case "RELOAD" -> {
					Event.ReloadRequested request = new Event.ReloadRequested();
					this.master.submit(request);
					Boolean reading = awaitLoop(request.accepted());
					yield Boolean.TRUE.equals(reading) ? List.of("OK") : List.of(refused(reading != null));
				}
				default -> List.of("ERROR unknown command " + words[2]);
			};
		}
		catch (RuntimeException ex) {
			return List.of("ERROR bad arguments for " + words[2]);
		}
	}

	/**
	 * Wait for the loop to take a request, so that the answer says what it did. The loop
	 * waits a quarter of a second at most between turns and runs nothing slow.
	 * @return what the loop answered, or {@code null} if it did not in time
	 */
	private static <T> @Nullable T awaitLoop(CompletableFuture<T> answer) {
		try {
			return answer.get(LOOP_ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private static String refused(boolean answered) {
		return answered ? "ERROR the master is stopping"
				: "ERROR the master's loop did not take the request within " + LOOP_ANSWER_TIMEOUT.toSeconds() + "s";
	}

	private static long optional(String[] words, int index) {
		return (words.length > index) ? Long.parseLong(words[index]) : -1;
	}

	private List<String> deny(String what) {
		// Never echo the request: it may hold a token.
		MasterLog.println(this.log, "WARNING: control channel refused " + what);
		return List.of("DENIED");
	}

	private static Set<String> metricNames(String names) {
		if (names.isEmpty()) {
			return Set.of();
		}
		if (!METRIC_NAMES.matcher(names).matches()) {
			throw new IllegalArgumentException("Not metric names");
		}
		return new LinkedHashSet<>(List.of(names.split(",")));
	}

	private static boolean isNumber(String word) {
		return !word.isEmpty() && word.length() < 10 && word.chars().allMatch(Character::isDigit);
	}

	void close() {
		this.closed = true;
		try {
			this.server.close();
			Files.deleteIfExists(this.socket);
			// Workers killed, rather than stopped, leave their metrics sockets behind.
			try (DirectoryStream<Path> left = Files.newDirectoryStream(this.directory, "worker-*.sock")) {
				for (Path socket : left) {
					Files.deleteIfExists(socket);
				}
			}
			Files.deleteIfExists(this.directory);
		}
		catch (IOException ex) {
			MasterLog.println(this.log, "Could not remove " + this.directory + ": " + ex.getMessage());
		}
	}

}
