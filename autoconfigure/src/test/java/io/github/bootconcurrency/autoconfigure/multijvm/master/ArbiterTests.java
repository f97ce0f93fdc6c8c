package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.RejectedExecutionException;

import io.github.bootconcurrency.autoconfigure.multijvm.ClusterView;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Arbiter}, the master's loop, with a fake launcher, processes, balancer
 * and clock: its policy, step by step, in milliseconds. The end-to-end tests with real
 * JVMs and signals are in the sample app's {@code MultiJvmMasterTests}.
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
		ClusterView view = this.arbiter.view();
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
		assertThat(this.arbiter.view().counters().killed()).isOne();
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
	void reloadWhoseFirstNewWorkerCannotBootIsAbandonedAndTheRunningWorkersAndConfigurationStay() {
		start("concurrency.multi-jvm.workers=2");
		List<FakeWorkers.Process> running = readyWorkers(2);
		this.reloader = () -> config("concurrency.multi-jvm.workers=3", "concurrency.multi-jvm.jvm-args=-Xmx64m");
		reload();
		assertThat(log()).contains("Received SIGHUP: configuration read again (3 worker(s)");
		assertThat(this.arbiter.view().targetWorkers()).isEqualTo(3);
		FakeWorkers.Process first = this.launcher.last();
		assertThat(this.launcher.configs.get(2).settings().getJvmArgs()).containsExactly("-Xmx64m");
		first.exit(1);
		steps(3);
		assertThat(log()).contains("reload abandoned, the 2 running worker(s) and the previous configuration stay");
		assertThat(this.arbiter.view().targetWorkers()).isEqualTo(2);
		assertThat(running).allSatisfy((worker) -> assertThat(worker.signals).isEmpty());
		assertThat(this.balancer.serving).containsExactly(running.get(0).id, running.get(1).id);
		assertThat(this.launcher.launched).hasSize(3);
	}

	@Test
	void theBalancerSizesItsSideByTheReloadedSettingsAndByThePreviousOnesWhenTheReloadIsAbandoned() {
		start("concurrency.multi-jvm.workers=2");
		readyWorkers(2);
		this.reloader = () -> config("concurrency.multi-jvm.workers=2", "server.tomcat.threads.max=40");
		reload();
		assertThat(this.balancer.configuredCapacities).containsExactly(40);
		this.launcher.last().exit(1);
		steps(3);
		assertThat(log()).contains("reload abandoned");
		assertThat(this.balancer.configuredCapacities).containsExactly(40, 200);
	}

	@Test
	void aFailedBootAfterTheReloadsFirstWorkerWasReadyIsOrdinaryAndTheReloadGoesOn() {
		start("concurrency.multi-jvm.workers=2");
		List<FakeWorkers.Process> old = readyWorkers(2);
		this.reloader = () -> config("concurrency.multi-jvm.workers=2", "concurrency.multi-jvm.jvm-args=-Xmx64m");
		reload();
		ready(this.launcher.last());
		step();
		assertThat(old.get(0).signals).containsExactly("TERM");
		step();
		FakeWorkers.Process failing = this.launcher.last();
		failing.exit(1);
		step();
		assertThat(log()).contains("before it was ready (1 in a row)").doesNotContain("abandoned");
		this.clock.advance(Duration.ofSeconds(1));
		steps(2);
		ready(this.launcher.last());
		steps(2);
		assertThat(old.get(1).signals).containsExactly("TERM");
		assertThat(this.launcher.configs.get(this.launcher.configs.size() - 1).settings().getJvmArgs())
			.containsExactly("-Xmx64m");
	}

	@Test
	void aWorkerDueForRecyclingWhileAReloadQueuesItIsReplacedOnceAndCountedOnce() {
		start("concurrency.multi-jvm.workers=2", "concurrency.multi-jvm.max-requests=10");
		List<FakeWorkers.Process> old = readyWorkers(2);
		this.arbiter.submit(new Event.Heartbeat(old.get(0).id, true, port(old.get(0)), 10, 0, 0));
		step();
		reload();
		for (int round = 0; round < 2; round++) {
			steps(3);
			ready(this.launcher.last());
			steps(3);
		}
		assertThat(old).allSatisfy((worker) -> assertThat(worker.signals).containsExactly("TERM"));
		assertThat(this.launcher.launched).hasSize(4);
		assertThat(this.arbiter.view().counters().recycled()).isOne();
		assertThat(log().split("served 10 requests", -1)).hasSize(2);
	}

	@Test
	void aScaleRequestIsAnsweredWithTheTargetTheLoopSetAndNothingOnceTheMasterIsStopping() {
		start("concurrency.multi-jvm.workers=2");
		readyWorkers(2);
		Event.ScaleRequested tooMany = new Event.ScaleRequested(MasterConfig.MAX_WORKERS + 5);
		this.arbiter.submit(tooMany);
		assertThat(tooMany.accepted()).isNotDone();
		step();
		assertThat(tooMany.accepted()).isCompletedWithValue(OptionalInt.of(MasterConfig.MAX_WORKERS));
		assertThat(this.arbiter.view().targetWorkers()).isEqualTo(MasterConfig.MAX_WORKERS);
		this.arbiter.submit(new Event.Signalled(MasterSignal.TERM));
		Event.ScaleRequested late = new Event.ScaleRequested(3);
		Event.ReloadRequested reload = new Event.ReloadRequested();
		this.arbiter.submit(late);
		this.arbiter.submit(reload);
		step();
		assertThat(late.accepted()).isCompletedWithValue(OptionalInt.empty());
		assertThat(reload.accepted()).isCompletedWithValue(false);
	}

	@Test
	void scalingUpDuringAReloadEndsWithTheNewCountAllOfTheNewGenerationInSlotsOfTheirOwn() {
		start("concurrency.multi-jvm.workers=2");
		List<FakeWorkers.Process> old = readyWorkers(2);
		reload();
		this.arbiter.submit(new Event.ScaleRequested(3));
		for (int round = 0; round < 6; round++) {
			steps(2);
			this.launcher.launched.stream().filter((worker) -> worker.isAlive()).forEach(this::ready);
			steps(2);
			old.stream().filter((worker) -> worker.signals.contains("TERM")).forEach((worker) -> worker.exit(0));
		}
		ClusterView view = this.arbiter.view();
		assertThat(view.workers()).hasSize(3).extracting(ClusterView.WorkerView::state).containsOnly("ready");
		assertThat(view.workers()).extracting(ClusterView.WorkerView::slot).containsExactlyInAnyOrder(1, 2, 3);
		assertThat(view.workers()).extracting(ClusterView.WorkerView::pid)
			.doesNotContain(old.get(0).pid(), old.get(1).pid());
	}

	@Test
	void ttouWhileAWorkerBootsRetiresTheBootingOneAndKeepsTheOneThatServes() {
		start("concurrency.multi-jvm.workers=2");
		steps(2);
		FakeWorkers.Process serving = this.launcher.launched.get(0);
		FakeWorkers.Process booting = this.launcher.launched.get(1);
		ready(serving);
		this.arbiter.submit(new Event.Signalled(MasterSignal.TTOU));
		step();
		assertThat(booting.signals).containsExactly("TERM");
		assertThat(serving.signals).isEmpty();
		booting.exit(0);
		steps(3);
		assertThat(this.balancer.serving).containsExactly(serving.id);
		assertThat(this.launcher.launched).hasSize(2);
		assertThat(log()).doesNotContain("in a row");
		this.arbiter.submit(new Event.Signalled(MasterSignal.TTOU));
		steps(2);
		assertThat(this.arbiter.view().targetWorkers()).as("never below one").isOne();
		assertThat(serving.signals).isEmpty();
	}

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
		assertThat(this.arbiter.view().counters().killed()).isOne();
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
	void aReloadIsAbandonedWhenItsFirstWorkerCannotBootEvenIfTheWorkerItReplacesDiedMeanwhile() {
		start();
		FakeWorkers.Process old = readyWorker();
		this.reloader = () -> config("concurrency.multi-jvm.jvm-args=-Xmx64m");
		reload();
		FakeWorkers.Process successor = this.launcher.last();
		this.clock.advance(Duration.ofSeconds(20));
		old.exit(1);
		step();
		successor.exit(1);
		steps(2);
		assertThat(log()).contains("reload abandoned");
		this.clock.advance(Duration.ofSeconds(1));
		steps(2);
		assertThat(this.launcher.configs.get(this.launcher.configs.size() - 1).settings().getJvmArgs())
			.containsExactly("-XX:+UseSerialGC");
	}

	@Test
	void aCountSetAfterAReloadStaysWhenTheReloadIsAbandoned() {
		start();
		readyWorker();
		this.reloader = () -> config("concurrency.multi-jvm.jvm-args=-Xmx64m");
		reload();
		FakeWorkers.Process successor = this.launcher.last();
		this.arbiter.submit(new Event.Signalled(MasterSignal.TTIN));
		step();
		successor.exit(1);
		steps(2);
		assertThat(log()).contains("reload abandoned");
		assertThat(this.arbiter.view().targetWorkers()).isEqualTo(2);
	}

	@Test
	void aStoppingMasterTakesNoNewRequests() {
		start();
		readyWorker();
		this.arbiter.submit(new Event.Signalled(MasterSignal.TERM));
		step();
		assertThat(this.balancer.accepting).isFalse();
	}

	@Test
	void aWorkerThatSurvivesSigkillDoesNotKeepTheMasterUpForever() {
		start();
		FakeWorkers.Process stuck = readyWorker();
		stuck.survivesKill = true;
		this.arbiter.submit(new Event.Signalled(MasterSignal.TERM));
		step();
		this.arbiter.submit(new Event.Signalled(MasterSignal.TERM));
		assertThat(step()).isEmpty();
		this.clock.advance(Shutdown.KILL_GRACE);
		assertThat(step()).isEmpty();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(step()).hasValue(0);
		assertThat(log()).contains("did not exit after SIGKILL: the master exits all the same");
	}

	@Test
	void sigtermDrainsEveryWorkerAndEndsWithStatusZeroOnceTheyHaveExited() {
		start("concurrency.multi-jvm.workers=2");
		List<FakeWorkers.Process> workers = readyWorkers(2);
		this.arbiter.submit(new Event.Signalled(MasterSignal.TERM));
		assertThat(step()).isEmpty();
		assertThat(this.balancer.serving).isEmpty();
		assertThat(workers).allSatisfy((worker) -> assertThat(worker.signals).containsExactly("TERM"));
		workers.get(0).exit(0);
		assertThat(step()).isEmpty();
		workers.get(1).exit(0);
		assertThat(step()).hasValue(0);
		assertThat(this.balancer.stopped).isTrue();
		assertThat(log()).contains("Received SIGTERM: stopping gracefully").endsWith("[master] Master stopped\n");
	}

	@Test
	void aSecondInterruptDuringAGracefulStopKillsEveryWorkerAtOnce() {
		start("concurrency.multi-jvm.workers=2");
		List<FakeWorkers.Process> workers = readyWorkers(2);
		this.arbiter.submit(new Event.Signalled(MasterSignal.INT));
		step();
		this.arbiter.submit(new Event.Signalled(MasterSignal.INT));
		assertThat(step()).hasValue(0);
		assertThat(workers).allSatisfy((worker) -> assertThat(worker.signals).containsExactly("TERM", "KILL"));
		assertThat(log()).contains("Received SIGINT again: killing every worker now");
	}

	@Test
	void aDrainerPastTheGracefulTimeoutIsKilled() {
		start("concurrency.multi-jvm.graceful-timeout=10s");
		FakeWorkers.Process worker = readyWorker();
		this.arbiter.submit(new Event.Signalled(MasterSignal.TERM));
		step();
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(step()).isEmpty();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(step()).hasValue(0);
		assertThat(worker.signals).containsExactly("TERM", "KILL");
		assertThat(log()).contains("did not stop within the graceful timeout: killing it");
	}

	@Test
	void reloadAndScaleAreIgnoredWhileStopping() {
		start();
		readyWorker();
		this.arbiter.submit(new Event.Signalled(MasterSignal.TERM));
		this.arbiter.submit(new Event.Signalled(MasterSignal.HUP));
		this.arbiter.submit(new Event.Signalled(MasterSignal.TTIN));
		step();
		assertThat(this.offLoop).isEmpty();
		assertThat(this.launcher.launched).hasSize(1);
		assertThat(log()).contains("Received SIGHUP: ignored, the master is stopping")
			.contains("Received SIGTTIN: ignored, the master is stopping");
	}

	@Test
	void theConfigurationIsReadOffTheLoopAndAppliedWhenItsEventArrives() {
		start();
		readyWorker();
		this.arbiter.submit(new Event.ReloadRequested());
		step();
		assertThat(this.arbiter.view().counters().reloads()).isZero();
		assertThat(this.offLoop).hasSize(1);
		runOffLoop();
		step();
		assertThat(this.arbiter.view().counters().reloads()).isOne();
		assertThat(log()).contains("Reload requested through the actuator: configuration read again");
	}

	@Test
	void aConfigurationThatCannotBeBoundOnReloadIsDescribedAsSpringBootWouldAndEverythingStays() {
		start();
		FakeWorkers.Process worker = readyWorker();
		this.reloader = () -> config("concurrency.multi-jvm.timeout=lots");
		reload();
		assertThat(log())
			.contains("Received SIGHUP, but the configuration cannot be used; the running workers and "
					+ "configuration stay")
			.contains("Failed to bind properties under 'concurrency.multi-jvm.timeout'")
			.contains("Action:");
		assertThat(worker.signals).isEmpty();
		assertThat(this.launcher.launched).hasSize(1);
		this.arbiter.submit(new Event.Signalled(MasterSignal.TERM));
		step();
		worker.exit(0);
		assertThat(step()).as("the loop still answers").hasValue(0);
	}

	@Test
	void anyFailureOfTheReaderOnReloadIsReportedAndTheLoopGoesOn() {
		start();
		FakeWorkers.Process worker = readyWorker();
		this.reloader = () -> {
			throw new IllegalStateException("while scanning a simple key in 'application.yml'");
		};
		reload();
		this.reloader = () -> {
			throw new StackOverflowError("nested too deep");
		};
		reload();
		assertThat(log()).contains("IllegalStateException: while scanning a simple key")
			.contains("StackOverflowError: nested too deep");
		assertThat(worker.signals).isEmpty();
		assertThat(this.arbiter.view().counters().reloads()).isZero();
	}

	@Test
	void aChangeThatTakesARestartOfTheMasterIsReportedOnReloadAndTheRunningValueStays() {
		start();
		readyWorker();
		this.reloader = () -> config("server.port=9090", "concurrency.multi-jvm.jvm-args=-Xmx64m");
		reload();
		assertThat(log()).contains("WARNING: changing server.port takes a restart of the master");
		step();
		MasterConfig next = this.launcher.configs.get(this.launcher.configs.size() - 1);
		assertThat(next.port()).isEqualTo(8080);
		assertThat(next.settings().getJvmArgs()).containsExactly("-Xmx64m");
	}

	@Test
	void aWorkerThatCannotBeStartedCountsAsAFailedBootWithItsDelay() {
		start();
		this.launcher.failures.add(new IOException("Too many open files"));
		this.launcher.failures.add(new IllegalStateException("no java binary"));
		step();
		assertThat(log()).contains("Could not start worker 1: java.io.IOException: Too many open files (1 in a row)")
			.contains("Next worker in 250 ms");
		this.clock.advance(Duration.ofMillis(250));
		step();
		assertThat(log()).contains("no java binary (2 in a row)");
		this.clock.advance(Duration.ofMillis(500));
		step();
		assertThat(this.launcher.launched).hasSize(1);
	}

	@Test
	void workersThatCanNeverBeStartedEndTheMasterWithStatusThree() {
		start();
		for (int i = 0; i < 3; i++) {
			this.launcher.failures.add(new IOException("Too many open files"));
		}
		OptionalInt status = OptionalInt.empty();
		for (int i = 0; i < 20 && status.isEmpty(); i++) {
			this.clock.advance(Duration.ofSeconds(1));
			status = step();
		}
		assertThat(status).hasValue(Arbiter.BOOT_ERROR);
	}

	@Test
	void aBalancerThatFailsStopsEveryWorkerAndEndsTheMasterWithStatusOne() {
		start("concurrency.multi-jvm.workers=2", "concurrency.multi-jvm.graceful-timeout=0s");
		steps(2);
		this.balancer.failOnAdd = new IllegalStateException("proxy client closed");
		ready(this.launcher.launched.get(0));
		assertThat(step()).hasValue(Arbiter.MASTER_ERROR);
		assertThat(this.launcher.launched).allSatisfy((worker) -> assertThat(worker.isAlive()).isFalse());
		assertThat(this.balancer.stopped).isTrue();
		assertThat(log()).contains("FATAL: the master cannot go on, so every worker stops now")
			.contains("IllegalStateException: proxy client closed");
	}

	@Test
	void aProcessThatFailsToBeSignalledStopsEveryWorkerAndEndsTheMasterWithStatusOne() {
		start("concurrency.multi-jvm.workers=2", "concurrency.multi-jvm.graceful-timeout=0s");
		List<FakeWorkers.Process> workers = readyWorkers(2);
		workers.get(1).failOnTerminate = new UnsupportedOperationException("signal refused");
		this.arbiter.submit(new Event.Signalled(MasterSignal.TTOU));
		assertThat(step()).hasValue(Arbiter.MASTER_ERROR);
		assertThat(workers).allSatisfy((worker) -> assertThat(worker.isAlive()).isFalse());
	}

	@Test
	void workThatCannotBeHandedOffTheLoopStopsEveryWorkerAndEndsTheMasterWithStatusOne() {
		this.arbiter = new Arbiter(config("concurrency.multi-jvm.graceful-timeout=0s"), () -> this.reloader.get(),
				this.launcher, this.balancer, this.clock, (task) -> {
					throw new RejectedExecutionException("shut down");
				}, new PrintStream(this.log, true, StandardCharsets.UTF_8));
		FakeWorkers.Process worker = readyWorker();
		this.arbiter.submit(new Event.Signalled(MasterSignal.HUP));
		assertThat(step()).hasValue(Arbiter.MASTER_ERROR);
		assertThat(worker.isAlive()).isFalse();
		assertThat(log()).contains("RejectedExecutionException: shut down");
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
	void aHeartbeatFromAWorkerTheMasterDoesNotRunIsIgnored() {
		start();
		step();
		this.arbiter.submit(new Event.Heartbeat(99, true, 40099, 0, 0, 0));
		steps(2);
		assertThat(this.balancer.added).isEmpty();
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
