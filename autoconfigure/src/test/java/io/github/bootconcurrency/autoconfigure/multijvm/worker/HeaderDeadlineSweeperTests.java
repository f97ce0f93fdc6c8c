package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.multijvm.worker.HeaderDeadlineSweeper.PendingHeader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweeper's policy: which connections it closes, and how often it looks. The real
 * servers' connections are {@code MultiJvmSlowlorisIT}'s.
 */
class HeaderDeadlineSweeperTests {

	private static final long SECOND = Duration.ofSeconds(1).toNanos();

	private final List<String> closed = new ArrayList<>();

	@Test
	void closesTheConnectionsWhoseHeaderBeganATimeoutAgoOrMoreAndNoOther() {
		HeaderDeadlineSweeper sweeper = new HeaderDeadlineSweeper(Duration.ofSeconds(2));
		long now = 1_000 * SECOND;
		sweeper.watch((pending) -> {
			pending.accept(header("late", now - 3 * SECOND));
			pending.accept(header("due", now - 2 * SECOND));
			pending.accept(header("in time", now - 2 * SECOND + 1));
		});
		try {
			assertThat(sweeper.sweep(now)).isEqualTo(2);
			assertThat(this.closed).containsExactly("late", "due");
		}
		finally {
			sweeper.destroy();
		}
	}

	@Test
	void aServerThatFailsLeavesTheOthersSwept() {
		HeaderDeadlineSweeper sweeper = new HeaderDeadlineSweeper(Duration.ofSeconds(2));
		long now = 1_000 * SECOND;
		sweeper.watch((pending) -> {
			throw new IllegalStateException("stopped");
		});
		sweeper.watch((pending) -> pending.accept(header("late", now - 3 * SECOND)));
		try {
			assertThat(sweeper.sweep(now)).isOne();
			assertThat(this.closed).containsExactly("late");
		}
		finally {
			sweeper.destroy();
		}
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

}
