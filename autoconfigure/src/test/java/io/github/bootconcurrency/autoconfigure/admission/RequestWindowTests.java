package io.github.bootconcurrency.autoconfigure.admission;

import java.util.concurrent.atomic.AtomicLong;

import io.github.bootconcurrency.autoconfigure.admission.RequestWindow.Totals;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RequestWindow}, on a clock and a CPU counter the test moves: a minute
 * of a real clock is too long for a test.
 */
class RequestWindowTests {

	private static final long SECOND = 1_000_000_000L;

	private final AtomicLong clock = new AtomicLong(1000 * SECOND);

	private final AtomicLong cpu = new AtomicLong(5 * SECOND);

	private final RequestWindow window = new RequestWindow(this.clock::get, this.cpu::get, () -> 0.25);

	@Test
	void sumsTheLastMinuteAndTheCpuTimeSpentSinceItsOldestSecond() {
		this.window.handled(0, 2 * SECOND, 1, 10);
		this.clock.addAndGet(10 * SECOND);
		this.cpu.addAndGet(SECOND);
		this.window.handled(SECOND / 2, 3 * SECOND, 10, 10);
		this.window.rejected(SECOND);
		this.cpu.addAndGet(SECOND);
		Totals totals = this.window.totals();
		assertThat(totals.requests()).isEqualTo(2);
		assertThat(totals.rejected()).isEqualTo(1);
		assertThat(totals.wallNanos()).isEqualTo(5 * SECOND);
		assertThat(totals.gateWaitNanos()).isEqualTo(SECOND + SECOND / 2);
		assertThat(totals.cpuNanos()).isEqualTo(2 * SECOND);
		assertThat(totals.elapsedNanos()).isEqualTo(10 * SECOND);
		assertThat(totals.peakInFlight()).isEqualTo(10);
		assertThat(totals.saturatedSeconds()).isEqualTo(1);
	}

	@Test
	void secondsOlderThanAMinuteAreForgotten() {
		this.window.handled(0, 50 * SECOND, 100, 100);
		this.clock.addAndGet(59 * SECOND);
		assertThat(this.window.totals().requests()).isEqualTo(1);
		this.clock.addAndGet(SECOND);
		this.window.handled(0, SECOND, 1, 100);
		Totals totals = this.window.totals();
		assertThat(totals.requests()).isEqualTo(1);
		assertThat(totals.wallNanos()).isEqualTo(SECOND);
		assertThat(totals.saturatedSeconds()).isZero();
		assertThat(totals.peakInFlight()).isEqualTo(1);
	}

	@Test
	void anEmptyWindowHasNothingAndNoCpuTime() {
		Totals totals = this.window.totals();
		assertThat(totals.requests()).isZero();
		assertThat(totals.cpuNanos()).isEqualTo(-1);
	}

}
