package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ClusterView;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for how {@link Arbiter}, the master's loop, reloads its configuration and changes
 * its worker count, with the fake launcher, processes, balancer and clock of
 * {@link ArbiterHarness}: the configuration is read off the loop, a reload whose first
 * new worker cannot boot is abandoned and the running workers and configuration stay, a
 * configuration that cannot be used is reported and changes nothing, and scale requests
 * (the actuator's, SIGTTIN and SIGTTOU) are answered with the count the loop set, during
 * a reload too.
 */
class ArbiterReloadTests extends ArbiterHarness {

	@Test
	void reloadWhoseFirstNewWorkerCannotBootIsAbandonedAndTheRunningWorkersAndConfigurationStay() {
		start("concurrency.multi-jvm.workers=2");
		List<FakeWorkers.Process> running = readyWorkers(2);
		this.reloader = () -> config("concurrency.multi-jvm.workers=3", "concurrency.multi-jvm.jvm-args=-Xmx64m");
		reload();
		assertThat(log()).contains("Received SIGHUP: configuration read again (3 worker(s)");
		assertThat(this.arbiter.channel().view().targetWorkers()).isEqualTo(3);
		FakeWorkers.Process first = this.launcher.last();
		assertThat(this.launcher.configs.get(2).jvmArgs()).containsExactly("-Xmx64m");
		first.exit(1);
		steps(3);
		assertThat(log()).contains("reload abandoned, the 2 running worker(s) and the previous configuration stay");
		assertThat(this.arbiter.channel().view().targetWorkers()).isEqualTo(2);
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
		assertThat(this.launcher.configs.get(this.launcher.configs.size() - 1).jvmArgs()).containsExactly("-Xmx64m");
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
		assertThat(this.arbiter.channel().view().counters().recycled()).isOne();
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
		assertThat(this.arbiter.channel().view().targetWorkers()).isEqualTo(MasterConfig.MAX_WORKERS);
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
		ClusterView view = this.arbiter.channel().view();
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
		assertThat(this.arbiter.channel().view().targetWorkers()).as("never below one").isOne();
		assertThat(serving.signals).isEmpty();
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
		assertThat(this.launcher.configs.get(this.launcher.configs.size() - 1).jvmArgs())
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
		assertThat(this.arbiter.channel().view().targetWorkers()).isEqualTo(2);
	}

	@Test
	void theConfigurationIsReadOffTheLoopAndAppliedWhenItsEventArrives() {
		start();
		readyWorker();
		this.arbiter.submit(new Event.ReloadRequested());
		step();
		assertThat(this.arbiter.channel().view().counters().reloads()).isZero();
		assertThat(this.offLoop).hasSize(1);
		runOffLoop();
		step();
		assertThat(this.arbiter.channel().view().counters().reloads()).isOne();
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
		assertThat(this.arbiter.channel().view().counters().reloads()).isZero();
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
		assertThat(next.jvmArgs()).containsExactly("-Xmx64m");
	}

}
