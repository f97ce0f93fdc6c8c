package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCachePhase;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheStore;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.ReadyAotCacheStores;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.AotCacheRecorder;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.WorkerDeadline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the master's loop with the workers' AOT cache: the worker that records it is
 * replaced, surge-first, once it has served {@link AotCacheRecorder#REQUESTS} requests or
 * been ready for {@link AotCacheRecorder#READY_FOR} having served one, so that its
 * recording, written as it exits, becomes the cache; every exit tells the launcher the
 * requests the worker served; the ready line says what the worker started with.
 */
class ArbiterAotCacheTests extends ArbiterHarness {

	@Test
	void theRecorderIsReplacedSurgeFirstOnceItServedItsRequests() {
		this.launcher.aotCache = (id) -> (id == 1) ? "recording" : "used";
		start("concurrency.multi-jvm.workers=2");
		FakeWorkers.Process recorder = readyWorkers(2).get(0);
		heartbeat(recorder, AotCacheRecorder.REQUESTS - 1);
		steps(2);
		assertThat(this.launcher.launched).as("not before its requests").hasSize(2);
		heartbeat(recorder, AotCacheRecorder.REQUESTS);
		steps(2);
		assertThat(this.launcher.launched).as("its successor first").hasSize(3);
		assertThat(recorder.signals).as("serves until its successor is ready").isEmpty();
		ready(this.launcher.last());
		steps(2);
		assertThat(recorder.signals).containsExactly("TERM");
		assertThat(log()).contains("recorded the AOT cache over " + AotCacheRecorder.REQUESTS
				+ " requests: replacing it so that its recording becomes the cache (aot-cache)");
		assertThat(this.arbiter.channel().view().counters().replacements()).containsEntry("aot-cache", 1L);
		recorder.exit(0);
		steps(2);
		assertThat(recorder.exitedAfterRequests).isEqualTo(AotCacheRecorder.REQUESTS);
	}

	@Test
	void theRecorderHasTimeBeyondTheGracefulTimeoutToWriteItsRecordingAsItExits() {
		// spring-petclinic's recorder took over 30 s (the graceful timeout) to write its
		// 140 MB recording after its shutdown hooks, on a loaded 2-core machine.
		this.launcher.aotCache = (id) -> (id == 1) ? "recording" : "used";
		start("concurrency.multi-jvm.workers=1", "concurrency.multi-jvm.graceful-timeout=30s");
		FakeWorkers.Process recorder = readyWorker();
		heartbeat(recorder, AotCacheRecorder.REQUESTS);
		steps(2);
		ready(this.launcher.last());
		steps(2);
		assertThat(recorder.signals).containsExactly("TERM");
		this.clock.advance(Duration.ofSeconds(31));
		steps(2);
		assertThat(recorder.signals).as("not killed at the graceful timeout").containsExactly("TERM");
		this.clock.advance(WorkerDeadline.RECORDING_EXIT);
		steps(2);
		assertThat(recorder.signals).as("killed once the allowance is over too").containsExactly("TERM", "KILL");
	}

	@Test
	void aRecorderStoppedWithTheMasterGetsNoMoreThanTheGracefulTimeoutForItsRecordingIsDropped() {
		this.launcher.aotCache = (id) -> "recording";
		start("concurrency.multi-jvm.graceful-timeout=30s");
		FakeWorkers.Process recorder = readyWorker();
		this.arbiter.submit(new Event.Signalled(MasterSignal.TERM));
		steps(1);
		assertThat(recorder.signals).containsExactly("TERM");
		this.clock.advance(Duration.ofSeconds(31));
		step();
		assertThat(recorder.signals).as("killed at the graceful timeout").containsExactly("TERM", "KILL");
		assertThat(step()).as("the master stops then").hasValue(0);
	}

	@Test
	void theLauncherIsToldAsTheMasterBeginsToStopSoThatNoCacheIsCreatedDuringTheShutdown() {
		this.launcher.aotCache = (id) -> "recording";
		start();
		readyWorker();
		assertThat(this.launcher.stopping).isFalse();
		this.arbiter.submit(new Event.Signalled(MasterSignal.TERM));
		steps(1);
		assertThat(this.launcher.stopping).isTrue();
	}

	@Test
	void theRecorderIsReplacedAfterBeingReadyLongEnoughOnceItServedARequest() {
		this.launcher.aotCache = (id) -> (id == 1) ? "recording" : "used";
		start();
		FakeWorkers.Process recorder = readyWorker();
		this.clock.advance(AotCacheRecorder.READY_FOR.plusSeconds(1));
		steps(2);
		assertThat(this.launcher.launched).as("a recording of no request is no warm-up").hasSize(1);
		heartbeat(recorder, 1);
		steps(2);
		assertThat(this.launcher.launched).hasSize(2);
		assertThat(log()).contains("recorded the AOT cache for");
	}

	@Test
	void aWorkerStartedBeforeTheExtractionIsReplacedSurgeFirstSoThatItsSuccessorRecords() {
		this.launcher.aotCache = (id) -> "none";
		start("concurrency.multi-jvm.workers=2");
		java.util.List<FakeWorkers.Process> first = readyWorkers(2);
		steps(2);
		assertThat(this.launcher.launched).as("nothing to record yet").hasSize(2);
		this.launcher.wantsAotCacheRecorder = true;
		steps(3);
		assertThat(this.launcher.launched).as("one at a time").hasSize(3);
		this.launcher.wantsAotCacheRecorder = false;
		ready(this.launcher.last());
		steps(3);
		assertThat(first.get(0).signals).containsExactly("TERM");
		assertThat(first.get(1).signals).isEmpty();
		assertThat(this.launcher.launched).hasSize(3);
		assertThat(log()).contains("was launched before the AOT cache could be recorded: replacing it so that its "
				+ "successor records it (aot-cache)");
	}

	@Test
	void aCacheThatWantsARecorderItDoesNotGiveReplacesEachEarlierWorkerOnceAndNotTheirSuccessors() {
		this.launcher.aotCache = (id) -> "none";
		start("concurrency.multi-jvm.workers=2");
		readyWorkers(2);
		// As a store whose extraction lost a jar, or whose workers' jvm-args turn it off.
		this.launcher.wantsAotCacheRecorder = true;
		for (int round = 0; round < 8; round++) {
			steps(3);
			ready(this.launcher.last());
			steps(3);
			for (FakeWorkers.Process worker : List.copyOf(this.launcher.launched)) {
				if (worker.signals.contains("TERM")) {
					worker.exit(0);
				}
			}
			steps(2);
		}
		assertThat(this.launcher.launched).as("the 2 workers launched before it was wanted, replaced once each")
			.hasSize(4);
		assertThat(this.arbiter.channel().view().counters().replacements()).containsEntry("aot-cache", 2L);
	}

	@Test
	void aRecorderThatFailsToBootIsFollowedByAnotherOnceItsRetryWithoutTheCacheIsReady() {
		// One worker: the one launched before the extraction is replaced, its successor
		// records and fails to boot, the slot's retry starts without the cache; once
		// that retry is ready the cache still wants a recorder, so it is replaced in
		// turn (final-merge-review finding 1).
		this.launcher.aotCache = (id) -> (id == 2) ? "recording" : "none";
		this.launcher.startedByAotCache = (id) -> id == 2;
		start();
		FakeWorkers.Process first = readyWorker();
		this.launcher.wantsAotCacheRecorder = true;
		steps(3);
		assertThat(this.launcher.launched).as("the recorder").hasSize(2);
		// Recording: the store wants no other recorder while it boots.
		this.launcher.wantsAotCacheRecorder = false;
		steps(2);
		this.launcher.last().exit(1);
		this.launcher.wantsAotCacheRecorder = true;
		steps(2);
		this.clock.advance(Duration.ofMinutes(1));
		steps(3);
		assertThat(this.launcher.launched).as("the slot's retry").hasSize(3);
		assertThat(this.launcher.withoutAotCache).containsExactly(3);
		ready(this.launcher.last());
		steps(3);
		assertThat(first.signals).containsExactly("TERM");
		first.exit(0);
		steps(3);
		assertThat(this.launcher.launched).as("the retry replaced so that its successor records").hasSize(4);
		assertThat(this.launcher.withoutAotCache).as("the successor asks the cache").containsExactly(3);
	}

	@Test
	void aReloadWhoseJvmArgsTurnTheCacheOffAndIsAbandonedLeavesTheRecordingToThePreviousConfiguration() {
		// As a store whose workers would not record with an agent in their jvm-args.
		this.launcher.aotCache = (id) -> "none";
		this.launcher.wouldRecordWith = (
				config) -> config.jvmArgs().stream().noneMatch((option) -> option.startsWith("-javaagent:"));
		start();
		FakeWorkers.Process first = readyWorker();
		this.reloader = () -> config("concurrency.multi-jvm.jvm-args=-javaagent:apm.jar");
		reload();
		assertThat(this.launcher.configs.get(1).jvmArgs()).containsExactly("-javaagent:apm.jar");
		// The extraction ends during the reload: the cache wants a recorder.
		this.launcher.wantsAotCacheRecorder = true;
		this.launcher.last().exit(1);
		steps(3);
		assertThat(log()).contains("reload abandoned");
		steps(3);
		assertThat(this.launcher.askedForRecorder).last()
			.as("asked with the configuration in force")
			.satisfies((config) -> assertThat(config.jvmArgs()).isEqualTo(this.launcher.configs.get(0).jvmArgs()));
		assertThat(this.launcher.launched).as("the worker launched before it was wanted, replaced").hasSize(3);
		assertThat(this.launcher.configs.get(2).jvmArgs()).isEqualTo(this.launcher.configs.get(0).jvmArgs())
			.doesNotContain("-javaagent:apm.jar");
		assertThat(log()).containsPattern("worker " + first.id
				+ " \\(pid \\d+, port \\d+, \\w+\\) was launched before the AOT cache could be recorded");
	}

	@Test
	void noWorkerIsReplacedForARecordingDuringAReload() {
		this.launcher.aotCache = (id) -> "none";
		start();
		readyWorker();
		reload();
		// The reload's worker is booting, its predecessor queued.
		this.launcher.wantsAotCacheRecorder = true;
		steps(3);
		assertThat(this.launcher.launched).as("the reload's successor records").hasSize(2);
		assertThat(log()).doesNotContain("(aot-cache)");
	}

	@Test
	void aWorkerThatDoesNotRecordIsNotReplacedForTheCache() {
		this.launcher.aotCache = (id) -> "used";
		start();
		FakeWorkers.Process worker = readyWorker();
		heartbeat(worker, 10 * AotCacheRecorder.REQUESTS);
		this.clock.advance(AotCacheRecorder.READY_FOR.multipliedBy(2));
		steps(3);
		assertThat(this.launcher.launched).hasSize(1);
	}

	@Test
	void theReadyLineSaysWhatTheWorkerStartedWithWhenTheMasterKeepsACache() {
		this.launcher.aotCache = (id) -> (id == 1) ? "recording" : null;
		start("concurrency.multi-jvm.workers=2");
		readyWorkers(2);
		assertThat(log()).containsPattern(
				"worker 1 \\(pid 1000, port \\d+, ready\\) is ready after \\d+ ms, AOT cache: recording\\n");
		assertThat(log()).as("no cache kept: the line as before")
			.containsPattern("worker 2 .* is ready after \\d+ ms\\n");
	}

	@Test
	void theReadyLineSaysWhatTheWorkerMadeOfTheCacheOnceReadyNotWhatItWasGiven() {
		this.launcher.aotCache = (id) -> "used";
		start();
		step();
		FakeWorkers.Process worker = this.launcher.last();
		worker.aotCacheOnceReady = "not opened";
		ready(worker);
		step();
		assertThat(log()).containsPattern("worker 1 .* is ready after \\d+ ms, AOT cache: not opened\\n");
	}

	@Test
	void workersTheMasterRetiresWhileTheyBootAreNoBootFailuresOfTheCache(@TempDir Path base) throws IOException {
		// A real store, its cache ready; TTIN then TTOU retires the new worker as it
		// boots, twice: the store's 2 boot failures, had it counted them.
		AotCacheStore store = readyStore(base);
		this.launcher.startWith(store, new CopyOnWriteArrayList<>());
		try {
			start();
			readyWorker();
			for (int i = 0; i < 2; i++) {
				this.arbiter.submit(new Event.Signalled(MasterSignal.TTIN));
				steps(2);
				FakeWorkers.Process booting = this.launcher.last();
				assertThat(booting.aotCache).isEqualTo("used");
				this.arbiter.submit(new Event.Signalled(MasterSignal.TTOU));
				steps(2);
				assertThat(booting.signals).as("retired as it boots").containsExactly("TERM");
				booting.exit(143);
				steps(2);
				assertThat(booting.exitedRetiredByMaster).isTrue();
			}
			assertThat(store.phase()).isEqualTo(AotCachePhase.READY);
			this.arbiter.submit(new Event.Signalled(MasterSignal.TTIN));
			steps(2);
			assertThat(this.launcher.launched).hasSize(4);
			assertThat(this.launcher.last().aotCache).as("the cache still given").isEqualTo("used");
		}
		finally {
			store.close();
		}
	}

	@Test
	void aWorkerKilledAtItsBootTimeoutIsNotOneTheMasterRetired() {
		this.launcher.aotCache = (id) -> "used";
		this.launcher.startedByAotCache = (id) -> true;
		start("concurrency.multi-jvm.boot-timeout=30s");
		step();
		FakeWorkers.Process worker = this.launcher.last();
		this.clock.advance(Duration.ofSeconds(31));
		steps(2);
		assertThat(worker.signals).containsExactly("KILL");
		assertThat(worker.exitedRetiredByMaster).as("a boot failure of its own").isFalse();
	}

	static AotCacheStore readyStore(Path base) throws IOException {
		return readyStore(base, (line) -> {
		});
	}

	static AotCacheStore readyStore(Path base, Consumer<String> log) throws IOException {
		return ReadyAotCacheStores.open(base, log);
	}

	@Test
	void everyReapedWorkerTellsItsProcessTheRequestsItServed() {
		start();
		FakeWorkers.Process worker = readyWorker();
		heartbeat(worker, 42);
		step();
		worker.exit(1);
		steps(2);
		assertThat(worker.exitedAfterRequests).isEqualTo(42L);
	}

	private void heartbeat(FakeWorkers.Process worker, long requests) {
		this.arbiter.submit(new Event.Heartbeat(worker.id, true, port(worker), requests, 0, 0));
	}

}
