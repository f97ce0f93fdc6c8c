package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for how {@link Arbiter}, the master's loop, copes with workers it cannot launch
 * at all (the argument directory removed by a {@code /tmp} cleaner, a full disk, the
 * {@code java} binary replaced during an upgrade), with the fake launcher and clock of
 * {@link ArbiterHarness}. That is the master's environment failing, not the application:
 * while a worker runs, the master retries with a growing, bounded delay, says why once
 * per episode, and never stops for it; a reload whose new worker cannot be launched is
 * abandoned. With no worker running, the master does not stay half alive: it stops with
 * status three after three failed launches in a row, as for failed boots.
 */
class ArbiterLaunchFailureTests extends ArbiterHarness {

	@Test
	void launchFailuresWhileAWorkerServesRetryWithAGrowingBoundedDelayAndNeverStopTheMaster() {
		start("concurrency.multi-jvm.workers=2");
		List<FakeWorkers.Process> workers = readyWorkers(2);
		for (int i = 0; i < 1000; i++) {
			this.launcher.failures.add(new NoSuchFileException("/tmp/concurrency-worker-args-1/worker-3-3.args"));
		}
		workers.get(0).exit(137);
		List<Long> delays = new ArrayList<>();
		long lastAttempt = 0;
		int attempts = this.launcher.attempts;
		// Ten minutes as the running loop sees them.
		for (long millis = 250; millis <= 600_000; millis += 250) {
			this.clock.advance(Duration.ofMillis(250));
			ready(workers.get(1));
			assertThat(step()).as("the master runs on: %s", log()).isEmpty();
			if (this.launcher.attempts > attempts) {
				delays.add(millis - lastAttempt);
				lastAttempt = millis;
				attempts = this.launcher.attempts;
			}
		}
		assertThat(delays.subList(1, 8)).containsExactly(1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L);
		assertThat(delays).as("no faster than every 30 s once grown").hasSizeLessThan(30);
		assertThat(workers.get(1).signals).as("the serving worker is left alone").isEmpty();
		assertThat(this.balancer.serving).containsExactly(workers.get(1).id);
		assertThat(this.balancer.stopped).isFalse();
		assertThat(log()).doesNotContain("failed to boot").doesNotContain("stopping");
		assertThat(log().lines().filter((line) -> line.contains("Could not start"))).as("one line per episode")
			.singleElement()
			.asString()
			.contains("java.nio.file.NoSuchFileException: /tmp/concurrency-worker-args-1/worker-3-3.args")
			.contains("while 1 worker(s) run");
		this.launcher.failures.clear();
		this.clock.advance(Duration.ofSeconds(30));
		step();
		assertThat(log()).containsPattern(
				"Workers can be started again, after " + (attempts - 2) + " failed attempt\\(s\\) over \\d+ s");
		ready(this.launcher.last());
		step();
		assertThat(this.balancer.serving).hasSize(2);
	}

	@Test
	void aLaunchThatWorksStartsTheDelayAgainAndTheNextEpisodeIsLoggedAgain() {
		start("concurrency.multi-jvm.workers=2");
		List<FakeWorkers.Process> workers = readyWorkers(2);
		this.launcher.failures.add(new IOException("No space left on device"));
		this.launcher.failures.add(new IOException("No space left on device"));
		// Long enough that its crash does not delay its replacement.
		this.clock.advance(Duration.ofSeconds(20));
		workers.get(0).exit(137);
		step();
		this.clock.advance(Duration.ofSeconds(1));
		step();
		this.clock.advance(Duration.ofSeconds(2));
		step();
		assertThat(this.launcher.attempts).isEqualTo(5);
		assertThat(log()).contains("Workers can be started again");
		FakeWorkers.Process replacement = this.launcher.last();
		ready(replacement);
		step();
		this.clock.advance(Duration.ofSeconds(20));
		this.launcher.failures.add(new IOException("Cannot run program \"java\""));
		replacement.exit(137);
		step();
		this.clock.advance(Duration.ofMillis(999));
		step();
		assertThat(this.launcher.attempts).as("1 s again, not 4 s").isEqualTo(6);
		this.clock.advance(Duration.ofMillis(1));
		step();
		assertThat(this.launcher.attempts).isEqualTo(7);
		assertThat(log().lines().filter((line) -> line.contains("Could not start"))).hasSize(2);
		assertThat(log()).contains("Cannot run program \"java\"");
	}

	@Test
	void aReloadWhoseNewWorkerCannotBeLaunchedIsAbandonedAndTheOldWorkersServeOn() {
		start("concurrency.multi-jvm.workers=2");
		this.reloader = () -> config("concurrency.multi-jvm.workers=3");
		List<FakeWorkers.Process> old = readyWorkers(2);
		for (int i = 0; i < 10; i++) {
			this.launcher.failures.add(new IOException("No space left on device"));
		}
		reload();
		for (int second = 0; second < 120; second++) {
			this.clock.advance(Duration.ofSeconds(1));
			old.forEach(this::ready);
			assertThat(step()).as("the master runs on: %s", log()).isEmpty();
		}
		assertThat(log()).contains("reload abandoned");
		assertThat(this.launcher.attempts).as("the reload is not retried").isEqualTo(3);
		assertThat(old).allSatisfy((worker) -> assertThat(worker.signals).isEmpty());
		assertThat(this.balancer.serving).containsExactly(old.get(0).id, old.get(1).id);
		assertThat(this.arbiter.channel().view().targetWorkers()).as("the previous configuration's").isEqualTo(2);
	}

	@Test
	void launchFailuresBesideAWorkerThatBootsWaitForItsBootRatherThanStopTheMaster() {
		start("concurrency.multi-jvm.workers=2");
		step();
		FakeWorkers.Process booting = this.launcher.last();
		for (int i = 0; i < 10; i++) {
			this.launcher.failures.add(new IOException("No space left on device"));
		}
		// A worker boots in seconds; its boot timeout bounds the wait.
		for (int i = 0; i < 40; i++) {
			this.clock.advance(Duration.ofMillis(250));
			assertThat(step()).as("the master runs on: %s", log()).isEmpty();
		}
		ready(booting);
		step();
		assertThat(this.balancer.serving).containsExactly(booting.id);
		assertThat(log()).contains("while 1 worker(s) run");
	}

	@Test
	void withNoWorkerRunningTheMasterStopsWithStatusThreeAfterThreeLaunchFailuresInARow() {
		start();
		for (int i = 0; i < 10; i++) {
			this.launcher.failures.add(new IOException("Cannot run program \"java\": error=2, No such file"));
		}
		OptionalInt status = OptionalInt.empty();
		int steps = 0;
		for (; steps < 200 && status.isEmpty(); steps++) {
			status = step();
			this.clock.advance(Duration.ofMillis(250));
		}
		assertThat(status).hasValue(Arbiter.BOOT_ERROR);
		assertThat(this.launcher.attempts).isEqualTo(3);
		assertThat(steps * 250L).as("1 s, then 2 s apart").isBetween(3000L, 4000L);
		assertThat(log()).contains("Could not start a worker " + 3
				+ " times in a row with no worker running: stopping. Cause: java.io.IOException: Cannot run program");
	}

	@Test
	void aLauncherThatThrowsARuntimeExceptionIsAFailedBootNotTheEnvironmentAndStopsTheMasterAfterThree() {
		start("concurrency.multi-jvm.workers=2");
		List<FakeWorkers.Process> workers = readyWorkers(2);
		for (int i = 0; i < 10; i++) {
			this.launcher.failures
				.add(new IllegalArgumentException("a bug in the launcher, the same on every attempt"));
		}
		workers.get(0).exit(137);
		OptionalInt status = OptionalInt.empty();
		for (int steps = 0; steps < 2400 && status.isEmpty(); steps++) {
			ready(workers.get(1));
			status = step();
			this.clock.advance(Duration.ofMillis(250));
		}
		assertThat(status).as("not retried for ever: %s", log()).hasValue(Arbiter.BOOT_ERROR);
		assertThat(this.launcher.attempts).isEqualTo(2 + 3);
		assertThat(log()).contains("java.lang.IllegalArgumentException: a bug in the launcher")
			.doesNotContain("Could not start a worker");
	}

}
