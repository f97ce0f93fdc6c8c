package io.github.bootconcurrency.autoconfigure.multijvm.worker.socket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link BelowCapAccept}, on a real listening socket with real client
 * connections and a real {@link RequestGate}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BelowCapAcceptTests {

	/**
	 * How long a test waits to see that a connection is not accepted: far under the grace
	 * it gives.
	 */
	private static final Duration NOT_TAKEN = Duration.ofMillis(400);

	private final ServerSocketChannel listening;

	private final List<SocketChannel> channels = new ArrayList<>();

	private final ExecutorService acceptor = Executors.newSingleThreadExecutor();

	BelowCapAcceptTests() throws IOException {
		this.listening = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
	}

	@AfterEach
	void close() throws IOException {
		this.acceptor.shutdownNow();
		for (SocketChannel channel : this.channels) {
			channel.close();
		}
		this.listening.close();
	}

	@Test
	void aWorkerAtItsCapLeavesAPendingConnectionUntilOneOfItsRequestsEnds() throws Exception {
		RequestGate gate = new RequestGate(1, Duration.ofSeconds(1));
		BelowCapAccept accept = new BelowCapAccept(this.listening, gate, Duration.ofMinutes(1));
		assertThat(gate.enter()).isTrue();
		connect();
		Future<SocketChannel> accepted = this.acceptor.submit(accept::accept);
		assertNotTaken(accepted);
		gate.exit();
		this.channels.add(accepted.get(30, TimeUnit.SECONDS));
	}

	@Test
	void connectionsAcceptedWhoseRequestIsNotAtTheGateYetCountAgainstTheCap() throws Exception {
		RequestGate gate = new RequestGate(2, Duration.ofSeconds(1));
		BelowCapAccept accept = new BelowCapAccept(this.listening, gate, Duration.ofMinutes(1));
		for (int i = 0; i < 3; i++) {
			connect();
		}
		this.channels.add(accept.accept());
		this.channels.add(accept.accept());
		Future<SocketChannel> third = this.acceptor.submit(accept::accept);
		assertNotTaken(third);
		// The first connection's request takes a slot and ends: room for the third.
		assertThat(gate.enter()).isTrue();
		gate.exit();
		this.channels.add(third.get(30, TimeUnit.SECONDS));
	}

	@Test
	void aConnectionThatNoWorkerWithRoomTakesWithinTheGraceIsTakenAtTheCap() throws Exception {
		RequestGate gate = new RequestGate(1, Duration.ofSeconds(1));
		BelowCapAccept accept = new BelowCapAccept(this.listening, gate, Duration.ofMillis(200));
		assertThat(gate.enter()).isTrue();
		connect();
		this.channels.add(this.acceptor.submit(accept::accept).get(30, TimeUnit.SECONDS));
	}

	@Test
	void aSocketClosedWhileTheWorkerWaitsEndsTheWaitAsAnAcceptWouldEnd() throws Exception {
		RequestGate gate = new RequestGate(1, Duration.ofSeconds(1));
		BelowCapAccept accept = new BelowCapAccept(this.listening, gate, Duration.ofMinutes(1));
		Future<SocketChannel> waiting = this.acceptor.submit(accept::accept);
		assertNotTaken(waiting);
		this.listening.close();
		assertThat(waiting).failsWithin(Duration.ofSeconds(30))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(AsynchronousCloseException.class);
	}

	private void connect() throws IOException {
		this.channels.add(SocketChannel.open(this.listening.getLocalAddress()));
	}

	private static void assertNotTaken(Future<SocketChannel> accepted) throws Exception {
		assertThatExceptionOfType(TimeoutException.class)
			.isThrownBy(() -> accepted.get(NOT_TAKEN.toMillis(), TimeUnit.MILLISECONDS));
	}

}
