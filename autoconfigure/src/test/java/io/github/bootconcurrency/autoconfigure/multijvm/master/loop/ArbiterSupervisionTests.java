package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Supervisor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for how {@link Arbiter}, the master's loop, watches the workers that run, with
 * the fake launcher, processes, balancer and clock of {@link ArbiterHarness}: a worker
 * whose heartbeat comes is kept however busy, one silent past the timeout or reporting
 * deadlocked threads has its threads dumped and is killed, silence the master itself
 * caused is not held against a worker, a worker that refuses traffic leaves the balancer
 * until it accepts it again, and one with a request stuck past its deadlines is replaced
 * surge-first.
 */
class ArbiterSupervisionTests extends ArbiterHarness {

	@Test
	void aWorkerBusyForFourTimesTheTimeoutIsKeptWhileItsHeartbeatComes() {
		start("concurrency.multi-jvm.timeout=5s");
		FakeWorkers.Process busy = readyWorker();
		for (int second = 0; second < 20; second++) {
			this.clock.advance(Duration.ofSeconds(1));
			this.arbiter.submit(new Event.Heartbeat(busy.id, true, port(busy), second, 0, 0));
			step();
		}
		assertThat(busy.signals).isEmpty();
		assertThat(this.balancer.serving).containsExactly(busy.id);
	}

	@Test
	void aWorkerSilentForLongerThanTheTimeoutHasItsThreadsDumpedOffTheLoopThenIsKilledAndReplaced() {
		start("concurrency.multi-jvm.timeout=5s");
		FakeWorkers.Process silent = readyWorker();
		secondBySecond(5);
		assertThat(silent.signals).isEmpty();
		secondBySecond(1);
		assertThat(log()).contains("sent no heartbeat for 5250 ms (timeout 5s): dumping its threads, then killing it");
		assertThat(silent.signals).as("the dump waits for the loop's helper").isEmpty();
		assertThat(this.balancer.serving).isEmpty();
		assertThat(this.launcher.launched).as("replaced at once").hasSize(2);
		runOffLoop();
		assertThat(silent.signals).containsExactly("QUIT");
		this.clock.advance(Supervisor.DUMP_GRACE);
		step();
		assertThat(silent.signals).containsExactly("QUIT", "KILL");
		assertThat(this.arbiter.channel().view().counters().killed()).isOne();
	}

	@Test
	void aWorkerThatReportsDeadlockedThreadsIsDumpedAndKilled() {
		start();
		FakeWorkers.Process deadlocked = readyWorker();
		this.arbiter.submit(new Event.Heartbeat(deadlocked.id, true, port(deadlocked), 5, 0, 2));
		step();
		runOffLoop();
		this.clock.advance(Supervisor.DUMP_GRACE);
		step();
		assertThat(log()).contains("reports 2 deadlocked thread(s): dumping its threads, then killing it");
		assertThat(deadlocked.signals).containsExactly("QUIT", "KILL");
	}

	@Test
	void aThreadDumpThatFailsIsReportedAndTheWorkerIsStillKilled() {
		start("concurrency.multi-jvm.timeout=1s");
		FakeWorkers.Process worker = readyWorker();
		worker.failDump = new IOException("no such process");
		secondBySecond(2);
		runOffLoop();
		this.clock.advance(Supervisor.DUMP_GRACE);
		step();
		assertThat(log())
			.contains("Could not dump the threads of worker 1 (pid 1000, port 40001, draining): no such " + "process");
		assertThat(worker.signals).containsExactly("KILL");
	}

	@Test
	void silenceWhileTheMastersLoopWasHeldUpIsNotHeldAgainstTheWorkers() {
		start("concurrency.multi-jvm.timeout=5s");
		FakeWorkers.Process worker = readyWorker();
		// The master itself stood still (a long collection, kill -STOP of the master).
		this.clock.advance(Duration.ofSeconds(30));
		step();
		assertThat(worker.signals).isEmpty();
		secondBySecond(6);
		assertThat(log()).as("silence counts again from then").contains("sent no heartbeat for 5250 ms");
	}

	@Test
	void silenceWhileTheControlChannelCannotAcceptIsNotHeldAgainstTheWorkers() {
		start("concurrency.multi-jvm.timeout=5s");
		FakeWorkers.Process worker = readyWorker();
		this.arbiter.submit(new Event.ChannelTrouble(true));
		secondBySecond(20);
		assertThat(worker.signals).isEmpty();
		this.arbiter.submit(new Event.ChannelTrouble(false));
		secondBySecond(6);
		assertThat(log()).contains("sent no heartbeat for 5250 ms");
	}

	@Test
	void aReadyWorkerThatRefusesTrafficLeavesTheBalancerAndComesBackWhenItAcceptsItAgain() {
		start("concurrency.multi-jvm.workers=2");
		List<FakeWorkers.Process> workers = readyWorkers(2);
		FakeWorkers.Process refusing = workers.get(0);
		this.arbiter.submit(new Event.Heartbeat(refusing.id, false, port(refusing), 0, 0, 0));
		step();
		assertThat(this.balancer.serving).containsExactly(workers.get(1).id);
		assertThat(log()).contains("refuses traffic: out of the balancer until it accepts it again");
		ready(refusing);
		step();
		assertThat(this.balancer.serving).containsExactlyInAnyOrder(refusing.id, workers.get(1).id);
		assertThat(refusing.signals).isEmpty();
	}

	@Test
	void aWorkerThatHangsSoonAfterItBecameReadyIsReplacedAfterTheRespawnDelay() {
		start("concurrency.multi-jvm.timeout=1s");
		FakeWorkers.Process worker = readyWorker();
		secondBySecond(2);
		runOffLoop();
		this.clock.advance(Supervisor.DUMP_GRACE);
		step();
		assertThat(worker.signals).containsExactly("QUIT", "KILL");
		assertThat(log()).contains("Next worker in 250 ms (1 early exit(s) in a row)");
		assertThat(log().indexOf("Next worker in 250 ms")).as("its replacement waits for the delay")
			.isLessThan(log().indexOf("Started worker 2"));
	}

	@Test
	void maxRequestsJitterUpToTheLargestAllowedValueDoesNotOverflow() {
		// The largest jitter MasterConfig allows takes the budget to Integer.MAX_VALUE.
		start("concurrency.multi-jvm.max-requests=" + (Integer.MAX_VALUE - 1),
				"concurrency.multi-jvm.max-requests-jitter=1");
		FakeWorkers.Process worker = readyWorker();
		this.arbiter.submit(new Event.Heartbeat(worker.id, true, port(worker), Integer.MAX_VALUE - 2L, 0, 0));
		steps(2);
		assertThat(log()).doesNotContain("FATAL").doesNotContain("served");
		assertThat(worker.signals).isEmpty();
	}

	@Test
	void aWorkerWithARequestStuckPastRequestTimeoutPlusGracefulTimeoutIsReplacedSurgeFirstOnce() {
		start("concurrency.request-timeout=2s", "concurrency.multi-jvm.graceful-timeout=3s");
		FakeWorkers.Process stuck = readyWorker();
		this.arbiter.submit(new Event.Heartbeat(stuck.id, true, port(stuck), 5, 0, 0, 5000));
		steps(3);
		assertThat(this.launcher.launched).as("not past both timeouts yet").hasSize(1);
		for (int beat = 0; beat < 3; beat++) {
			this.arbiter.submit(new Event.Heartbeat(stuck.id, true, port(stuck), 5, 0, 0, 5001 + beat));
			step();
		}
		assertThat(log()).contains("has a request stuck for 5001 ms (request-timeout 2s + graceful-timeout 3s): "
				+ "replacing it (request-stuck)");
		assertThat(log().split("request-stuck", -1)).as("logged once").hasSize(2);
		assertThat(this.launcher.launched).as("its successor first").hasSize(2);
		assertThat(stuck.signals).isEmpty();
		assertThat(this.balancer.serving).containsExactly(stuck.id);
		FakeWorkers.Process successor = this.launcher.last();
		ready(successor);
		steps(2);
		assertThat(stuck.signals).containsExactly("TERM");
		assertThat(this.balancer.serving).containsExactly(successor.id);
		assertThat(this.launcher.launched).hasSize(2);
	}

	@Test
	void aStuckRequestIsLeftAloneWithoutARequestTimeout() {
		start("concurrency.multi-jvm.graceful-timeout=3s");
		FakeWorkers.Process stuck = readyWorker();
		this.arbiter.submit(new Event.Heartbeat(stuck.id, true, port(stuck), 5, 0, 0, 3_600_000));
		steps(3);
		assertThat(this.launcher.launched).hasSize(1);
		assertThat(stuck.signals).isEmpty();
		assertThat(log()).doesNotContain("request-stuck");
	}

	@Test
	void aHeartbeatThatComesAfterTheBootTimeoutKilledTheWorkerNeitherServesNorResetsTheFailedBoots() {
		start("concurrency.multi-jvm.boot-timeout=5s");
		step();
		this.launcher.last().exit(1);
		step();
		this.clock.advance(Duration.ofSeconds(1));
		step();
		this.launcher.last().exit(1);
		step();
		this.clock.advance(Duration.ofSeconds(1));
		step();
		FakeWorkers.Process late = this.launcher.last();
		// A real JVM runs on until the SIGKILL lands, and may say it is ready meanwhile.
		late.survivesKill = true;
		this.clock.advance(Duration.ofSeconds(6));
		step();
		assertThat(late.signals).containsExactly("KILL");
		ready(late);
		step();
		assertThat(this.balancer.added).isEmpty();
		late.exit(137);
		step();
		assertThat(log()).doesNotContain("is ready after")
			.contains("before it was ready (3 in a row)")
			.contains("Workers failed to boot 3 times in a row: stopping");
	}

	@Test
	void aHeartbeatThatComesAfterTheBootTimeoutKilledTheFirstWorkerOfAReloadDoesNotProveTheReload() {
		start("concurrency.multi-jvm.boot-timeout=5s");
		this.reloader = () -> config("concurrency.multi-jvm.boot-timeout=5s");
		FakeWorkers.Process old = readyWorker();
		reload();
		step();
		FakeWorkers.Process late = this.launcher.last();
		assertThat(late).isNotSameAs(old);
		late.survivesKill = true;
		this.clock.advance(Duration.ofSeconds(6));
		this.arbiter.submit(new Event.Heartbeat(old.id, true, port(old), 0, 0, 0));
		step();
		assertThat(late.signals).containsExactly("KILL");
		ready(late);
		steps(2);
		assertThat(this.balancer.serving).containsExactly(old.id);
		assertThat(old.signals).as("the old worker serves on").isEmpty();
		late.exit(137);
		step();
		assertThat(log()).contains("reload abandoned");
		assertThat(old.signals).isEmpty();
		assertThat(this.balancer.serving).containsExactly(old.id);
	}

	/**
	 * Let seconds go by as the running loop sees them, a step every quarter of a second.
	 */
	private void secondBySecond(int seconds) {
		for (int i = 0; i < seconds * 4; i++) {
			this.clock.advance(Duration.ofMillis(250));
			step();
		}
	}

	@Test
	void aWorkerWhoseOutputCannotBeReadIsReplacedSurgeFirstOnceWithTheReason() {
		start();
		FakeWorkers.Process unread = readyWorker();
		unread.unreadOutput = "its output cannot be read any more (java.lang.StackOverflowError)";
		steps(3);
		assertThat(log()).contains(": its output cannot be read any more (java.lang.StackOverflowError): replacing it "
				+ "(output-unread)");
		assertThat(log().split("output-unread", -1)).as("logged once").hasSize(2);
		assertThat(this.launcher.launched).as("its successor first").hasSize(2);
		assertThat(unread.signals).isEmpty();
		FakeWorkers.Process successor = this.launcher.last();
		ready(successor);
		steps(2);
		assertThat(unread.signals).containsExactly("TERM");
		assertThat(this.balancer.serving).containsExactly(successor.id);
		unread.exit(0);
		steps(1);
		assertThat(this.arbiter.channel().view().counters().replacements()).containsEntry("output-unread", 1L);
	}

}
