package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCachePhase;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the master's loop when a worker started with the AOT cache fails to boot
 * ({@link FailedBoots}): the cache's failure is the store's to count, not the master's
 * nor a reload's; the next worker in its slot starts without the cache, once, and tells
 * the store whether the cache was at fault: if it boots, the store counts the failure; if
 * it fails too, or never starts, the store drops it (and a reload whose retry failed is
 * abandoned).
 */
class ArbiterAotCacheBootFailureTests extends ArbiterHarness {

	/** What the loop told the store of each failed worker, by the worker's id. */
	private final List<String> verdicts = new CopyOnWriteArrayList<>();

	@Test
	void aBootFailureOfAWorkerStartedWithTheStoresCacheIsTheStoresToCountNotTheMasters() {
		// Workers 1 and 3 start with the cache, and the worker after each, in its slot,
		// without it; the failures of those count.
		this.launcher.aotCache = (id) -> (id <= 3) ? "used" : "none";
		this.launcher.startedByAotCache = (id) -> id <= 3;
		start();
		for (int i = 0; i < 4; i++) {
			failToBoot();
		}
		assertThat(this.launcher.withoutAotCache).containsExactly(2, 4);
		assertThat(log())
			.contains("worker 1 (pid 1000, booting) exited with status 1 before it was ready: "
					+ "it started with the AOT cache; not counted toward the master's 3 in a row, and the next "
					+ "worker in its slot starts without the cache: if that one boots, the cache's own count")
			.as("no reload runs")
			.doesNotContain("reload")
			.contains("(2 in a row)")
			.doesNotContain("(3 in a row)")
			.doesNotContain("stopping");
		step();
		this.launcher.last().exit(1);
		step();
		assertThat(log()).contains("(3 in a row)").contains("Workers failed to boot 3 times in a row: stopping");
	}

	@Test
	void aReloadIsNotAbandonedForTheCacheFailingToBootItsFirstWorkerWhoseSlotStartsAgainWithoutIt() {
		// Under auto a reload's first worker records the cache, or starts with it: the
		// cache failing is not the new configuration failing.
		this.launcher.aotCache = (id) -> (id == 3) ? "recording" : "none";
		this.launcher.startedByAotCache = (id) -> id == 3;
		start("concurrency.multi-jvm.workers=2");
		List<FakeWorkers.Process> old = readyWorkers(2);
		this.reloader = () -> config("concurrency.multi-jvm.workers=2", "concurrency.multi-jvm.jvm-args=-Xmx64m");
		reload();
		assertThat(this.launcher.launched).as("the reload's first worker").hasSize(3);
		this.launcher.last().exit(1);
		step();
		assertThat(log()).doesNotContain("reload abandoned")
			.contains("worker 3 (pid 1002, booting) exited with status 1 before it was ready: "
					+ "it started with the AOT cache")
			.contains("abandons no reload");
		this.clock.advance(Duration.ofMinutes(1));
		steps(2);
		assertThat(this.launcher.launched).as("its slot started again").hasSize(4);
		assertThat(this.launcher.withoutAotCache).as("the configuration's own try").containsExactly(4);
		ready(this.launcher.last());
		steps(3);
		ready(this.launcher.last());
		steps(3);
		assertThat(this.launcher.launched).hasSize(5);
		assertThat(this.launcher.withoutAotCache).containsExactly(4);
		assertThat(old).allSatisfy((worker) -> assertThat(worker.signals).containsExactly("TERM"));
		assertThat(this.balancer.serving).as("the reload's workers").containsExactlyInAnyOrder(4, 5);
		assertThat(this.launcher.configs.subList(3, 5))
			.allSatisfy((config) -> assertThat(config.jvmArgs()).containsExactly("-Xmx64m"));
		assertThat(log()).doesNotContain("reload abandoned").doesNotContain("(1 in a row)");
		this.launcher.launched.get(3).exit(1);
		this.clock.advance(Duration.ofMinutes(1));
		steps(3);
		assertThat(this.launcher.launched).as("worker 4's slot started again").hasSize(6);
		assertThat(this.launcher.withoutAotCache).as("worker 6, in the slot, with the cache").containsExactly(4);
	}

	@Test
	void aReloadWhoseFirstWorkerFailsWithTheCacheAndItsRetryWithoutItIsAbandoned() {
		this.launcher.aotCache = (id) -> "used";
		this.launcher.startedByAotCache = (id) -> id == 3;
		start("concurrency.multi-jvm.workers=2");
		List<FakeWorkers.Process> old = readyWorkers(2);
		this.reloader = () -> config("concurrency.multi-jvm.workers=2", "concurrency.multi-jvm.jvm-args=-Xmx64m");
		reload();
		this.launcher.last().exit(1);
		step();
		assertThat(log()).doesNotContain("reload abandoned");
		this.clock.advance(Duration.ofMinutes(1));
		steps(2);
		assertThat(this.launcher.launched).as("its slot started again").hasSize(4);
		assertThat(this.launcher.withoutAotCache).containsExactly(4);
		this.launcher.last().exit(1);
		step();
		assertThat(log())
			.contains(
					"worker 4 (pid 1003, booting) exited with status 1 before it was ready (its output above says why)"
							+ ": reload abandoned")
			.doesNotContain("(1 in a row)");
		this.clock.advance(Duration.ofMinutes(1));
		steps(3);
		assertThat(this.launcher.launched).as("nothing more of the reload").hasSize(4);
		assertThat(old).allSatisfy((worker) -> assertThat(worker.signals).isEmpty());
		old.get(0).exit(1);
		this.clock.advance(Duration.ofMinutes(1));
		steps(3);
		assertThat(this.launcher.launched).as("worker 1's slot started again").hasSize(5);
		assertThat(this.launcher.configs.get(4).jvmArgs()).as("the previous configuration")
			.isEqualTo(this.launcher.configs.get(0).jvmArgs())
			.doesNotContain("-Xmx64m");
		assertThat(this.launcher.withoutAotCache).as("worker 5, in the slot, with the cache").containsExactly(4);
	}

	@Test
	void reloadsAbandonedForTheirConfigurationDoNotTurnTheCacheOff(@TempDir Path base) throws IOException {
		// Each reload's first worker fails with the cache, then its retry without it: the
		// configuration failed, twice, not the cache.
		AotCacheStore store = ArbiterAotCacheTests.readyStore(base);
		launchWith(store);
		try {
			start("concurrency.multi-jvm.workers=2");
			readyWorkers(2);
			this.reloader = () -> config("concurrency.multi-jvm.workers=2", "concurrency.multi-jvm.jvm-args=-Xmx64m");
			for (int i = 0; i < 2; i++) {
				reload();
				this.launcher.last().exit(1);
				step();
				this.clock.advance(Duration.ofMinutes(1));
				steps(2);
				assertThat(this.launcher.withoutAotCache).as("the retry").contains(this.launcher.last().id);
				this.launcher.last().exit(1);
				step();
				this.clock.advance(Duration.ofMinutes(1));
			}
			assertThat(this.launcher.launched).hasSize(6);
			assertThat(log()).contains("worker 6 (pid 1005, booting) exited with status 1 before it was ready "
					+ "(its output above says why): reload abandoned");
			assertThat(store.phase()).isEqualTo(AotCachePhase.READY);
			assertThat(this.verdicts).containsExactly("3 not at fault", "5 not at fault");
		}
		finally {
			store.close();
		}
	}

	@Test
	void workersThatFailWithTheCacheAtOnceAndWhoseRetriesFailTooLeaveTheCacheOn(@TempDir Path base) throws IOException {
		// A crash storm, the database down: every worker fails, with the cache or not.
		// Counted as they exited, workers 1 and 2 turned the cache off before either
		// retry could tell it was not at fault.
		List<String> storeLog = new CopyOnWriteArrayList<>();
		AotCacheStore store = ArbiterAotCacheTests.readyStore(base, storeLog::add);
		launchWith(store);
		try {
			start("concurrency.multi-jvm.workers=2");
			steps(2);
			assertThat(this.launcher.launched).extracting((worker) -> worker.aotCache).containsExactly("used", "used");
			this.launcher.launched.forEach((worker) -> worker.exit(1));
			step();
			this.clock.advance(Duration.ofMinutes(1));
			steps(2);
			assertThat(this.launcher.withoutAotCache).as("the retries").containsExactly(3, 4);
			assertThat(store.phase()).as("no failure counted yet").isEqualTo(AotCachePhase.READY);
			this.launcher.alive().forEach((worker) -> worker.exit(1));
			step();
			assertThat(this.verdicts).containsExactlyInAnyOrder("1 not at fault", "2 not at fault");
			this.clock.advance(Duration.ofMinutes(1));
			steps(2);
			assertThat(this.launcher.launched).hasSize(6);
			assertThat(this.launcher.launched.subList(4, 6)).as("the cache still given")
				.extracting((worker) -> worker.aotCache)
				.containsExactly("used", "used");
			assertThat(store.phase()).isEqualTo(AotCachePhase.READY);
			assertThat(storeLog).noneMatch((line) -> line.contains("off for this master"))
				.noneMatch((line) -> line.contains("its retry without the cache booted"));
		}
		finally {
			store.close();
		}
	}

	@Test
	void workersThatFailWithTheCacheWhoseRetriesBootTurnTheCacheOff(@TempDir Path base) throws IOException {
		List<String> storeLog = new CopyOnWriteArrayList<>();
		AotCacheStore store = ArbiterAotCacheTests.readyStore(base, storeLog::add);
		launchWith(store);
		try {
			start("concurrency.multi-jvm.workers=2");
			steps(2);
			this.launcher.launched.forEach((worker) -> worker.exit(1));
			step();
			this.clock.advance(Duration.ofMinutes(1));
			steps(2);
			assertThat(this.launcher.withoutAotCache).as("the retries").containsExactly(3, 4);
			ready(this.launcher.launched.get(2));
			step();
			assertThat(store.phase()).as("1 in a row").isEqualTo(AotCachePhase.READY);
			assertThat(storeLog).contains("AOT cache: worker 1, started with it, exited before it was ready, and its "
					+ "retry without the cache booted; at 2 such failures in a row it is turned off");
			ready(this.launcher.launched.get(3));
			step();
			assertThat(this.verdicts).containsExactly("1 at fault", "2 at fault");
			assertThat(store.phase()).isEqualTo(AotCachePhase.OFF);
			assertThat(storeLog).last()
				.asString()
				.startsWith("AOT cache: off for this master: worker 2, started with it, exited before it was ready, "
						+ "and its retry without the cache booted (2 such failures in a row)");
			this.arbiter.submit(new Event.Signalled(MasterSignal.TTIN));
			steps(2);
			assertThat(this.launcher.launched).hasSize(5);
			assertThat(this.launcher.last().aotCache).as("asked, and not given").isEqualTo("none");
			assertThat(this.launcher.withoutAotCache).containsExactly(3, 4);
		}
		finally {
			store.close();
		}
	}

	@Test
	void aBootFailureWhoseSlotIsLoweredAwayBeforeItsRetryIsNeverCounted(@TempDir Path base) throws IOException {
		List<String> storeLog = new CopyOnWriteArrayList<>();
		AotCacheStore store = ArbiterAotCacheTests.readyStore(base, storeLog::add);
		launchWith(store);
		try {
			start("concurrency.multi-jvm.workers=2");
			readyWorkers(2);
			this.arbiter.submit(new Event.Signalled(MasterSignal.TTIN));
			steps(2);
			this.launcher.last().exit(1);
			step();
			this.arbiter.submit(new Event.Signalled(MasterSignal.TTOU));
			steps(2);
			assertThat(this.verdicts).as("no retry of worker 3 comes").containsExactly("3 not at fault");
			this.clock.advance(Duration.ofMinutes(1));
			this.arbiter.submit(new Event.Signalled(MasterSignal.TTIN));
			steps(2);
			assertThat(this.launcher.launched).as("slot 3 again, with the cache").hasSize(4);
			assertThat(this.launcher.last().aotCache).isEqualTo("used");
			// The cache fails worker 4, and its retry boots: the first failure counted.
			this.launcher.last().exit(1);
			step();
			this.clock.advance(Duration.ofMinutes(1));
			steps(2);
			assertThat(this.launcher.withoutAotCache).containsExactly(5);
			ready(this.launcher.last());
			step();
			assertThat(this.verdicts).containsExactly("3 not at fault", "4 at fault");
			assertThat(store.phase()).as("worker 4's failure alone counted").isEqualTo(AotCachePhase.READY);
			assertThat(storeLog).noneMatch((line) -> line
				.contains("worker 3, started with it, exited before it " + "was ready, and its retry"));
		}
		finally {
			store.close();
		}
	}

	@Test
	void aSlotLoweredAwayBeforeItsRetryStartsItsNextWorkerWithTheCache() {
		this.launcher.aotCache = (id) -> "used";
		this.launcher.startedByAotCache = (id) -> id == 3;
		start("concurrency.multi-jvm.workers=2");
		readyWorkers(2);
		this.arbiter.submit(new Event.Signalled(MasterSignal.TTIN));
		steps(2);
		this.launcher.last().exit(1);
		step();
		this.arbiter.submit(new Event.Signalled(MasterSignal.TTOU));
		steps(2);
		this.clock.advance(Duration.ofMinutes(10));
		this.arbiter.submit(new Event.Signalled(MasterSignal.TTIN));
		steps(2);
		assertThat(this.launcher.launched).as("slot 3 again").hasSize(4);
		assertThat(this.launcher.withoutAotCache).isEmpty();
	}

	@Test
	void aBootFailureSeenInTheStepThatLoweredItsSlotAwayIsNeverCounted(@TempDir Path base) throws IOException {
		// The TTOU first, then the worker's exit, in one loop step: the worker dies
		// before the step retires it, its slot already above the count.
		AotCacheStore store = ArbiterAotCacheTests.readyStore(base);
		launchWith(store);
		try {
			start("concurrency.multi-jvm.workers=2");
			readyWorkers(2);
			this.arbiter.submit(new Event.Signalled(MasterSignal.TTIN));
			steps(2);
			this.arbiter.submit(new Event.Signalled(MasterSignal.TTOU));
			this.launcher.last().exit(1);
			step();
			assertThat(this.verdicts).as("no retry of worker 3 comes").containsExactly("3 not at fault");
			assertThat(log()).contains("worker 3 (pid 1002, booting) exited with status 1 before it was ready: it "
					+ "started with the AOT cache; not counted toward the master's 3 in a row, and its slot is no "
					+ "longer wanted: no worker retries it without the cache, and the cache does not count it");
			this.clock.advance(Duration.ofMinutes(1));
			this.arbiter.submit(new Event.Signalled(MasterSignal.TTIN));
			steps(2);
			assertThat(this.launcher.launched).as("slot 3 again").hasSize(4);
			assertThat(this.launcher.withoutAotCache).as("worker 4, with the cache").isEmpty();
		}
		finally {
			store.close();
		}
	}

	@Test
	void aRetryWhoseSlotIsLoweredAwayAsItBootsDropsTheFailureItRetried(@TempDir Path base) throws IOException {
		AotCacheStore store = ArbiterAotCacheTests.readyStore(base);
		launchWith(store);
		try {
			start("concurrency.multi-jvm.workers=2");
			readyWorkers(2);
			this.arbiter.submit(new Event.Signalled(MasterSignal.TTIN));
			steps(2);
			this.launcher.last().exit(1);
			step();
			this.clock.advance(Duration.ofMinutes(1));
			steps(2);
			assertThat(this.launcher.withoutAotCache).as("worker 3's retry").containsExactly(4);
			assertThat(this.verdicts).isEmpty();
			this.arbiter.submit(new Event.Signalled(MasterSignal.TTOU));
			steps(2);
			assertThat(this.launcher.last().signals).as("the retry retired").containsExactly("TERM");
			assertThat(this.verdicts).as("at once, not at slot 3's next launch").containsExactly("3 not at fault");
		}
		finally {
			store.close();
		}
	}

	@Test
	void aReloadAbandonedBeforeItsRetryStartsLeavesTheSlotsNextWorkerTheCache() {
		this.launcher.aotCache = (id) -> "used";
		this.launcher.startedByAotCache = (id) -> id == 3;
		start("concurrency.multi-jvm.workers=2");
		List<FakeWorkers.Process> old = readyWorkers(2);
		this.reloader = () -> config("concurrency.multi-jvm.workers=2", "concurrency.multi-jvm.jvm-args=-Xmx64m");
		reload();
		this.launcher.last().exit(1);
		step();
		this.launcher.failures.add(new IOException("no fork"));
		this.clock.advance(Duration.ofMinutes(1));
		steps(2);
		assertThat(log()).contains("no fork: reload abandoned");
		old.get(0).exit(1);
		this.clock.advance(Duration.ofMinutes(10));
		steps(3);
		assertThat(this.launcher.launched).as("worker 1's slot again").hasSize(4);
		assertThat(this.launcher.withoutAotCache).isEmpty();
	}

	@Test
	void aReloadReplacedBeforeItsRetryStartsGivesItsOwnFirstWorkerTheCache() {
		this.launcher.aotCache = (id) -> "used";
		this.launcher.startedByAotCache = (id) -> id == 3;
		start("concurrency.multi-jvm.workers=2");
		readyWorkers(2);
		this.reloader = () -> config("concurrency.multi-jvm.workers=2", "concurrency.multi-jvm.jvm-args=-Xmx64m");
		reload();
		this.launcher.last().exit(1);
		step();
		reload();
		this.clock.advance(Duration.ofMinutes(1));
		steps(2);
		assertThat(this.launcher.launched).as("the second reload's first worker").hasSize(4);
		assertThat(this.launcher.withoutAotCache).isEmpty();
	}

	private void launchWith(AotCacheStore store) {
		this.launcher.startWith(store, this.verdicts);
	}

	private void failToBoot() {
		step();
		this.launcher.last().exit(1);
		step();
		this.clock.advance(Duration.ofMinutes(1));
	}

}
