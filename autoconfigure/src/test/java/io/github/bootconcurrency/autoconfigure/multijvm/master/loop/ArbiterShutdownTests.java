package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Shutdown;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for how {@link Arbiter}, the master's loop, stops, with the fake launcher,
 * processes, balancer and clock of {@link ArbiterHarness}: SIGTERM drains every worker
 * and ends with status zero once they have exited, a second interrupt or the graceful
 * timeout kills them, a stopping master takes no new requests nor reloads, and a failure
 * the loop cannot go on after (the balancer's, a signal's, the off-loop executor's) stops
 * every worker and ends the master with status one.
 */
class ArbiterShutdownTests extends ArbiterHarness {

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

}
