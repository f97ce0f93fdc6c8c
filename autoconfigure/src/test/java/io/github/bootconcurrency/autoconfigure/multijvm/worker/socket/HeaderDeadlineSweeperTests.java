package io.github.bootconcurrency.autoconfigure.multijvm.worker.socket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.multijvm.worker.socket.HeaderDeadlineSweeper.BetweenRequests;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.socket.HeaderDeadlineSweeper.PendingHeader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweeper's policy: which connections it closes, and how often it looks. The sweepers
 * here are only registered with their servers, never started: each test sweeps at times
 * of its own, with no sweeping thread of real time beside it. The real servers'
 * connections are {@code MultiJvmSlowlorisIT}'s.
 */
class HeaderDeadlineSweeperTests {

	private static final long SECOND = Duration.ofSeconds(1).toNanos();

	private static final long START = 1_000 * SECOND;

	private final List<String> closed = new ArrayList<>();

	@Test
	void closesTheConnectionsWhoseHeaderBeganATimeoutAgoOrMoreAndNoOther() {
		HeaderDeadlineSweeper sweeper = new HeaderDeadlineSweeper(Duration.ofSeconds(2));
		long now = START;
		sweeper.register((pending, betweenRequests) -> {
			pending.accept(header("late", now - 3 * SECOND));
			pending.accept(header("due", now - 2 * SECOND));
			pending.accept(header("in time", now - 2 * SECOND + 1));
		});
		assertThat(sweeper.sweep(now)).isEqualTo(2);
		assertThat(this.closed).containsExactly("late", "due");
	}

	@Test
	void aServerThatFailsLeavesTheOthersSwept() {
		HeaderDeadlineSweeper sweeper = new HeaderDeadlineSweeper(Duration.ofSeconds(2));
		long now = START;
		sweeper.register((pending, betweenRequests) -> {
			throw new IllegalStateException("stopped");
		});
		sweeper.register((pending, betweenRequests) -> pending.accept(header("late", now - 3 * SECOND)));
		assertThat(sweeper.sweep(now)).isOne();
		assertThat(this.closed).containsExactly("late");
	}

	@Test
	void closesAConnectionThatKeepsReadingWithNoRequestATimeoutAfterASweepFirstSawItRead() {
		HeaderDeadlineSweeper sweeper = new HeaderDeadlineSweeper(Duration.ofSeconds(2));
		Object connection = new Object();
		long[] reads = { 10 };
		sweeper.register(
				(pending, betweenRequests) -> betweenRequests.accept(idle("blank lines", connection, 1, reads[0])));
		assertThat(sweeper.sweep(START)).isZero();
		reads[0]++;
		assertThat(sweeper.sweep(START + SECOND / 2)).as("first seen reading").isZero();
		// It need not read at every sweep: what it read is no request yet.
		assertThat(sweeper.sweep(START + SECOND / 2 + 2 * SECOND - 1)).isZero();
		assertThat(this.closed).isEmpty();
		assertThat(sweeper.sweep(START + SECOND / 2 + 2 * SECOND)).isOne();
		assertThat(this.closed).containsExactly("blank lines");
	}

	@Test
	void leavesAConnectionBetweenTwoRequestsThatReadsNothingToTheIdleTimeout() {
		HeaderDeadlineSweeper sweeper = new HeaderDeadlineSweeper(Duration.ofSeconds(2));
		Object connection = new Object();
		sweeper.register((pending, betweenRequests) -> betweenRequests.accept(idle("idle", connection, 1, 10)));
		for (int second = 0; second <= 60; second++) {
			assertThat(sweeper.sweep(START + second * SECOND)).isZero();
		}
		assertThat(this.closed).isEmpty();
	}

	@Test
	void aNewRequestStartsItsClockAfresh() {
		HeaderDeadlineSweeper sweeper = new HeaderDeadlineSweeper(Duration.ofSeconds(2));
		Object connection = new Object();
		long[] requests = { 1 };
		long[] reads = { 10 };
		sweeper.register(
				(pending, betweenRequests) -> betweenRequests.accept(idle("busy", connection, requests[0], reads[0])));
		long now = START;
		// A client whose requests come one a second, each read and answered between two
		// sweeps.
		for (int request = 0; request < 10; request++) {
			assertThat(sweeper.sweep(now)).isZero();
			requests[0]++;
			reads[0]++;
			now += SECOND;
		}
		assertThat(this.closed).isEmpty();
	}

	@Test
	void aConnectionNotBetweenTwoRequestsAtASweepStartsItsClockAfresh() {
		HeaderDeadlineSweeper sweeper = new HeaderDeadlineSweeper(Duration.ofSeconds(2));
		Object connection = new Object();
		long[] reads = { 10 };
		boolean[] between = { true };
		sweeper.register((pending, betweenRequests) -> {
			if (between[0]) {
				betweenRequests.accept(idle("served", connection, 1, reads[0]));
			}
		});
		assertThat(sweeper.sweep(START)).isZero();
		reads[0]++;
		assertThat(sweeper.sweep(START + SECOND)).isZero();
		between[0] = false;
		assertThat(sweeper.sweep(START + 2 * SECOND)).isZero();
		between[0] = true;
		assertThat(sweeper.sweep(START + 3 * SECOND)).isZero();
		assertThat(this.closed).isEmpty();
	}

	@Test
	void looksAQuarterOfTheTimeoutApartWithinBounds() {
		assertThat(new HeaderDeadlineSweeper(Duration.ofSeconds(2)).period()).isEqualTo(Duration.ofMillis(500));
		assertThat(new HeaderDeadlineSweeper(Duration.ofSeconds(10)).period()).isEqualTo(Duration.ofSeconds(1));
		assertThat(new HeaderDeadlineSweeper(Duration.ofMillis(100)).period()).isEqualTo(Duration.ofMillis(25));
		assertThat(new HeaderDeadlineSweeper(Duration.ofMillis(100)).period())
			.isEqualTo(HeaderDeadlineSweeper.MIN_PERIOD);
	}

	private PendingHeader header(String name, long firstByteNanos) {
		return new PendingHeader(firstByteNanos, () -> this.closed.add(name));
	}

	private BetweenRequests idle(String name, Object connection, long requests, long reads) {
		return new BetweenRequests(connection, requests, reads, () -> this.closed.add(name));
	}

}
