package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.time.Duration;

import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ClusterView;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for how {@link Arbiter}, the master's loop, starts workers and copes with workers
 * that fail to boot, with the fake launcher, processes, balancer and clock of
 * {@link ArbiterHarness}: a worker joins the balancer once it says it is ready on its
 * port, one that is not ready within the boot timeout counts as a failed boot, early
 * exits in a row double the respawn delay, and three failed boots in a row end the master
 * with status three. A worker that cannot be launched at all is
 * {@link ArbiterLaunchFailureTests}' subject. The end-to-end tests with real JVMs and
 * signals are the sample app's {@code MultiJvm*IT}.
 */
class ArbiterTests extends ArbiterHarness {

	@Test
	void startsTheTargetCountAndAddsAWorkerToTheBalancerOnlyOnceItSaysItIsReadyOnItsPort() {
		start("concurrency.multi-jvm.workers=2");
		steps(3);
		assertThat(this.launcher.launched).hasSize(2);
		assertThat(this.balancer.serving).isEmpty();
		FakeWorkers.Process first = this.launcher.launched.get(0);
		FakeWorkers.Process second = this.launcher.launched.get(1);
		this.arbiter.submit(new Event.Heartbeat(second.id, false, 0, 0, 1, 0));
		ready(first);
		step();
		assertThat(this.balancer.serving).containsExactly(first.id);
		ready(second);
		steps(3);
		assertThat(this.balancer.serving).containsExactly(first.id, second.id);
		assertThat(this.launcher.launched).hasSize(2);
		ClusterView view = this.arbiter.channel().view();
		assertThat(view.targetWorkers()).isEqualTo(2);
		assertThat(view.workers()).extracting(ClusterView.WorkerView::port).containsExactly(port(first), port(second));
		assertThat(view.workers()).extracting(ClusterView.WorkerView::state).containsOnly("ready");
		assertThat(log()).contains("(pid 1000, port " + port(first) + ", ready) is ready after");
	}

	@Test
	void aWorkerThatSaysItIsReadyWithoutAPortIsKilledAndCountsAsAFailedBoot() {
		start();
		step();
		FakeWorkers.Process worker = this.launcher.last();
		this.arbiter.submit(new Event.Heartbeat(worker.id, true, 0, 0, 0, 0));
		this.arbiter.submit(new Event.Heartbeat(worker.id, true, 0, 0, 0, 0));
		steps(2);
		assertThat(this.balancer.added).isEmpty();
		assertThat(worker.signals).containsExactly("KILL");
		assertThat(this.arbiter.channel().view().counters().killed()).isOne();
		assertThat(log()).contains("says it is ready but serves no port: killing it")
			.contains("before it was ready (1 in a row)");
	}

	@Test
	void respawnDelayDoublesWithEachEarlyExitInARowAndStartsAgainAfterAWorkerLivedLongEnough() {
		start();
		for (long delay : new long[] { 250, 500, 1000 }) {
			FakeWorkers.Process worker = readyWorker();
			this.clock.advance(Duration.ofSeconds(1));
			int launched = this.launcher.launched.size();
			worker.exit(1);
			step();
			assertThat(log()).contains("Next worker in " + delay + " ms");
			this.clock.advance(Duration.ofMillis(delay - 1));
			step();
			assertThat(this.launcher.launched).as("nothing before the delay").hasSize(launched);
			this.clock.advance(Duration.ofMillis(1));
			step();
			assertThat(this.launcher.launched).hasSize(launched + 1);
		}
		FakeWorkers.Process longLived = this.launcher.last();
		ready(longLived);
		step();
		this.clock.advance(Duration.ofSeconds(11));
		int launched = this.launcher.launched.size();
		longLived.exit(1);
		step();
		assertThat(this.launcher.launched).as("replaced at once").hasSize(launched + 1);
		FakeWorkers.Process next = this.launcher.last();
		ready(next);
		step();
		this.clock.advance(Duration.ofSeconds(1));
		next.exit(1);
		step();
		assertThat(log().split("Next worker in 250 ms \\(1 early exit", -1)).as("the series starts again").hasSize(3);
		assertThat(log()).doesNotContain("Next worker in 2000 ms");
	}

	@Test
	void threeFailedBootsInARowDrainTheReadyWorkersThenEndWithStatusThree() {
		start("concurrency.multi-jvm.workers=2");
		steps(2);
		FakeWorkers.Process ready = this.launcher.launched.get(0);
		ready(ready);
		step();
		for (int failure = 1; failure <= 3; failure++) {
			assertThat(step()).isEmpty();
			this.launcher.last().exit(1);
			step();
			assertThat(log()).contains("before it was ready (" + failure + " in a row)");
			this.clock.advance(Duration.ofSeconds(1));
		}
		assertThat(log()).contains("Workers failed to boot 3 times in a row: stopping");
		assertThat(ready.signals).containsExactly("TERM");
		assertThat(this.balancer.serving).isEmpty();
		assertThat(step()).isEmpty();
		ready.exit(0);
		assertThat(step()).hasValue(Arbiter.BOOT_ERROR);
		assertThat(this.balancer.stopped).isTrue();
	}

	@Test
	void aWorkerThatBecomesReadyStartsTheCountOfFailedBootsAgain() {
		start();
		nextWorker().exit(1);
		step();
		nextWorker().exit(1);
		step();
		FakeWorkers.Process ready = nextWorker();
		ready(ready);
		step();
		this.clock.advance(Duration.ofSeconds(11));
		ready.exit(1);
		step();
		// Replaced at once: it lived long enough.
		this.launcher.last().exit(1);
		step();
		nextWorker().exit(1);
		step();
		assertThat(log().split("before it was ready \\(1 in a row\\)", -1)).hasSize(3);
		assertThat(log()).doesNotContain("(3 in a row)");
	}

	@Test
	void aWorkerNotReadyWithinTheBootTimeoutIsKilled() {
		start("concurrency.multi-jvm.boot-timeout=5s");
		step();
		FakeWorkers.Process slow = this.launcher.last();
		this.arbiter.submit(new Event.Heartbeat(slow.id, false, 0, 0, 0, 0));
		this.clock.advance(Duration.ofSeconds(6));
		steps(3);
		assertThat(slow.signals).containsExactly("KILL");
		assertThat(log()).contains("was not ready within the boot timeout (5s): killing it")
			.contains("before it was ready (1 in a row)");
	}

	@Test
	void aWorkerNeverHeardFromIsKilledAtTheBootTimeoutWithTheLikelyCause() {
		start("concurrency.multi-jvm.boot-timeout=5s");
		step();
		this.clock.advance(Duration.ofSeconds(6));
		steps(2);
		assertThat(log()).contains("sent no heartbeat at all: the worker runs no MultiJvmWorkerAutoConfiguration");
	}

	@Test
	void aHeartbeatFromAWorkerTheMasterDoesNotRunIsIgnored() {
		start();
		step();
		this.arbiter.submit(new Event.Heartbeat(99, true, 40099, 0, 0, 0));
		steps(2);
		assertThat(this.balancer.added).isEmpty();
	}

	/**
	 * Step, with time going by, until the loop starts one more worker.
	 */
	private FakeWorkers.Process nextWorker() {
		int before = this.launcher.launched.size();
		for (int i = 0; i < 60 && this.launcher.launched.size() == before; i++) {
			this.clock.advance(Duration.ofSeconds(1));
			step();
		}
		assertThat(this.launcher.launched).hasSize(before + 1);
		return this.launcher.last();
	}

}
