package io.github.bootconcurrency.autoconfigure.multijvm.worker.channel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Tests for {@link MasterChannelClient} against stand-ins for a master on a real Unix
 * domain socket: one that accepts and never answers, as a stopped ({@code SIGSTOP}) or
 * hung master does, and one that answers what no master would.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MasterChannelClientTests {

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	/**
	 * Far over {@link #TIMEOUT}, far under "for ever": holds on a loaded machine.
	 */
	private static final Duration BOUND = Duration.ofSeconds(15);

	@TempDir
	Path directory;

	private ServerSocketChannel master;

	private final List<SocketChannel> held = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() throws IOException {
		for (SocketChannel connection : this.held) {
			connection.close();
		}
		if (this.master != null) {
			this.master.close();
		}
	}

	@Test
	void everyRequestToASilentMasterEndsAtItsDeadlineSayingSo() throws IOException {
		MasterChannelClient client = client(silentMaster());
		assertEndsWithin(() -> client.status(), "did not answer STATUS within 500 ms");
		assertEndsWithin(() -> client.scale(2), "did not answer SCALE within 500 ms");
		assertEndsWithin(client::reload, "did not answer RELOAD within 500 ms");
		assertEndsWithin(() -> client.scrape(Set.of()), "did not answer SCRAPE within 500 ms");
	}

	@Test
	void anAnswerNoMasterWouldGiveIsAnIOExceptionThatSaysSo() throws IOException {
		MasterChannelClient client = client(answering("OK\nworker x y\n"));
		assertThatIOException().isThrownBy(client::status)
			.withMessageContaining("answer to STATUS is not one this worker can read");
		MasterChannelClient scaling = client(answering("OK\ntarget many\n"));
		assertThatIOException().isThrownBy(() -> scaling.scale(2))
			.withMessageContaining("answer to SCALE is not one this worker can read");
	}

	@Test
	void aMasterThatIsGoneIsAnIOExceptionThatSaysSo() {
		MasterChannelClient client = client(this.directory.resolve("master.sock"));
		assertThatIOException().isThrownBy(client::status).withMessageContaining("cannot be asked STATUS");
	}

	private void assertEndsWithin(IoCall call, String message) {
		long start = System.nanoTime();
		assertThatIOException().isThrownBy(call::call).withMessageContaining(message);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
	}

	private MasterChannelClient client(Path socket) {
		return new MasterChannelClient(new WorkerEnvironment(1, 1, socket, "secret", false, Duration.ofSeconds(1)),
				TIMEOUT, TIMEOUT, TIMEOUT);
	}

	/**
	 * A master that accepts every connection and never reads nor answers.
	 */
	private Path silentMaster() throws IOException {
		return listen((connection) -> this.held.add(connection));
	}

	private Path answering(String answer) throws IOException {
		return listen((connection) -> {
			try (connection) {
				// As the master does: read the request, then answer.
				Channels.newInputStream(connection).readAllBytes();
				connection.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
			}
			catch (IOException ex) {
				// The worker gave up.
			}
		});
	}

	private Path listen(Handler handler) throws IOException {
		if (this.master != null) {
			this.master.close();
		}
		Path socket = this.directory.resolve("master-" + System.nanoTime() + ".sock");
		this.master = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		this.master.bind(UnixDomainSocketAddress.of(socket));
		ServerSocketChannel server = this.master;
		Thread.ofVirtual().start(() -> {
			while (server.isOpen()) {
				try {
					handler.accepted(server.accept());
				}
				catch (IOException ex) {
					// Closed at the end of the test.
				}
			}
		});
		return socket;
	}

	@FunctionalInterface
	interface Handler {

		void accepted(SocketChannel connection);

	}

	@FunctionalInterface
	interface IoCall {

		void call() throws IOException;

	}

}
