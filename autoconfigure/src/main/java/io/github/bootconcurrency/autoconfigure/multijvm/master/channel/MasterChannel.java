package io.github.bootconcurrency.autoconfigure.multijvm.master.channel;

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
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.MasterLog;
import io.github.bootconcurrency.autoconfigure.multijvm.master.scrape.ClusterScrape;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlProtocol;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlRequest;
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
 * Commands ({@link ControlRequest}, which encodes and decodes them): {@code HEARTBEAT},
 * which a worker sends every second from a thread of its own and which is also how it
 * says it is ready and on which port it serves; {@code STATUS}, the cluster view;
 * {@code SCALE} and {@code RELOAD}, from the actuator, answered once the loop took them;
 * {@code SCRAPE}, the metrics of the whole cluster. Each becomes a call of the
 * {@link ChannelPort}; nothing here changes a worker.
 */
public final class MasterChannel {

	/**
	 * The classes the accept loop needs when the process is out of file descriptors,
	 * loaded with this one: loading a class then fails, as it has to open the jar
	 * (MasterChannelOutOfDescriptorsIT saw the loop die of a NoClassDefFoundError when
	 * the log's class was first needed there).
	 */
	private static final List<Class<?>> NEEDED_WITHOUT_DESCRIPTORS = List.of(MasterLog.class);

	private static final Duration LOOP_ANSWER_TIMEOUT = Duration.ofSeconds(10);

	private final Path directory;

	private final Path socket;

	private final ServerSocketChannel server;

	private volatile ChannelPort master;

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
	 * Bind the channel's socket. It answers nobody until {@link #serve(ChannelPort)}.
	 * @param log where refusals and errors go
	 * @return the channel
	 */
	public static MasterChannel open(PrintStream log) {
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
	public void serve(ChannelPort master) {
		this.master = master;
		Thread.ofVirtual().name("multi-jvm-master-channel").start(this::accept);
	}

	public Path socket() {
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
					this.master.channelTrouble(false);
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
					this.master.channelTrouble(true);
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
				InputStream in = new BufferedInputStream(Channels.newInputStream(connection), ControlProtocol.MAX_LINE);
				OutputStream out = Channels.newOutputStream(connection)) {
			String line = ControlProtocol.readLine(in);
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

	private List<String> answer(SocketChannel connection, @Nullable String line) throws IOException {
		UnixDomainPrincipal peer = connection.getOption(ExtendedSocketOptions.SO_PEERCRED);
		if (!Objects.equals(peer.user(), this.owner)) {
			return deny("a process of user " + peer.user().getName() + ", not the master's");
		}
		Optional<ControlProtocol.Frame> frame = ControlProtocol.Frame.parse(line);
		if (frame.isEmpty()) {
			return deny("a malformed request");
		}
		int workerId = frame.get().workerId();
		if (!this.master.authenticate(workerId, frame.get().token())) {
			return deny("a request that is not from worker " + workerId + " (wrong or stale token)");
		}
		ControlRequest request;
		try {
			request = ControlRequest.decode(frame.get().request());
		}
		catch (IllegalArgumentException ex) {
			return List.of(ControlProtocol.error(String.valueOf(ex.getMessage())));
		}
		try {
			return answer(workerId, request);
		}
		catch (RuntimeException ex) {
			return List.of(ControlProtocol.error("bad arguments for " + request.command()));
		}
	}

	private List<String> answer(int workerId, ControlRequest request) {
		return switch (request) {
			case ControlRequest.Heartbeat heartbeat -> {
				this.master.heartbeat(workerId, heartbeat);
				yield List.of(ControlProtocol.OK);
			}
			case ControlRequest.Status status -> {
				List<String> lines = new ArrayList<>(List.of(ControlProtocol.OK));
				lines.addAll(this.master.view().encode());
				yield lines;
			}
			case ControlRequest.Scale(int workers) -> {
				OptionalInt target = awaitLoop(this.master.scale(workers));
				yield (target != null && target.isPresent())
						? List.of(ControlProtocol.OK, ControlRequest.Scale.answer(target.getAsInt()))
						: List.of(refused(target != null));
			}
			case ControlRequest.Scrape(Set<String> names) -> {
				try {
					List<String> lines = new ArrayList<>(List.of(ControlProtocol.OK));
					lines.addAll(this.scrape.scrape(this.master.workers(), this.master::describe, names));
					yield lines;
				}
				catch (ClusterScrape.Busy ex) {
					yield List.of(ControlProtocol.error("busy: " + ex.getMessage()));
				}
			}
			case ControlRequest.Reload reload -> {
				Boolean reading = awaitLoop(this.master.reload());
				yield Boolean.TRUE.equals(reading) ? List.of(ControlProtocol.OK) : List.of(refused(reading != null));
			}
		};
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
		return ControlProtocol.error(answered ? "the master is stopping"
				: "the master's loop did not take the request within " + LOOP_ANSWER_TIMEOUT.toSeconds() + "s");
	}

	private List<String> deny(String what) {
		// Never echo the request: it may hold a token.
		MasterLog.println(this.log, "WARNING: control channel refused " + what);
		return List.of(ControlProtocol.DENIED);
	}

	public void close() {
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
