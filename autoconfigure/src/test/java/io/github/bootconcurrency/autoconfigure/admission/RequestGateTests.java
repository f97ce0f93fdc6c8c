package io.github.bootconcurrency.autoconfigure.admission;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RequestGate}.
 */
class RequestGateTests {

	private final List<Thread> threads = new ArrayList<>();

	@AfterEach
	void stopWaiters() throws InterruptedException {
		for (Thread thread : this.threads) {
			thread.interrupt();
			thread.join(Duration.ofSeconds(5));
		}
	}

	@Test
	void waitersAreAdmittedInArrivalOrderAndANewcomerAtTheMomentASlotIsFreedQueuesBehindThem() throws Exception {
		RequestGate gate = new RequestGate(1, Duration.ofSeconds(30));
		List<String> admitted = new CopyOnWriteArrayList<>();
		assertThat(gate.enter()).isTrue();
		for (int i = 1; i <= 3; i++) {
			Thread waiter = waiter(gate, "waiter " + i, admitted);
			// Each waiter is parked in the gate's queue before the next one arrives.
			await().atMost(Duration.ofSeconds(5)).until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
			assertThat(gate.getWaiting()).isEqualTo(i);
		}
		// The holder frees its slot and asks again at once, a newcomer arriving as the
		// slot is freed, while the waiter that the release woke has yet to run. A gate
		// that let it barge would admit it ahead of one of the waiters (the first, unless
		// this thread is descheduled in between and the newcomer catches up with a later
		// one).
		gate.exit();
		assertThat(gate.enter()).isTrue();
		admitted.add("newcomer");
		gate.exit();
		assertThat(admitted).containsExactly("waiter 1", "waiter 2", "waiter 3", "newcomer");
		assertThat(gate.getRejected()).isZero();
	}

	@Test
	void waitListenerIsToldEveryAdmissionIncludingThoseThatDidNotWaitAndEveryRejection() throws Exception {
		RequestGate gate = new RequestGate(1, Duration.ofMillis(100));
		List<String> waits = new CopyOnWriteArrayList<>();
		gate.setWaitListener((waitNanos, admitted) -> waits
			.add((admitted ? "admitted" : "rejected") + " after " + (waitNanos >= 100_000_000L ? ">= 100ms" : "0")));
		assertThat(gate.enter()).isTrue();
		assertThat(gate.enter()).isFalse();
		gate.exit();
		assertThat(waits).containsExactly("admitted after 0", "rejected after >= 100ms");
	}

	@Test
	void loweredLimitLetsRequestsInFlightFinishAndAdmitsNoOneUntilTheyAreUnderIt() throws Exception {
		RequestGate gate = new RequestGate(4, Duration.ofSeconds(30));
		for (int i = 0; i < 4; i++) {
			assertThat(gate.enter()).isTrue();
		}
		gate.setLimit(2);
		assertThat(gate.getLimit()).isEqualTo(2);
		List<String> admitted = new CopyOnWriteArrayList<>();
		Thread waiter = waiter(gate, "waiter", admitted);
		await().atMost(Duration.ofSeconds(5)).until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
		// Two of the four leave: still at the new limit, so the waiter still waits.
		gate.exit();
		gate.exit();
		Thread.sleep(200);
		assertThat(admitted).isEmpty();
		// Still in the queue, not gone: the window proves nothing if it left.
		assertThat(gate.getWaiting()).isOne();
		gate.exit();
		waiter.join(Duration.ofSeconds(5));
		assertThat(admitted).containsExactly("waiter");
	}

	@Test
	void raisedLimitAdmitsWaitersAtOnceButNeverPastTheLimitTheGateWasCreatedWith() throws Exception {
		RequestGate gate = new RequestGate(3, Duration.ofSeconds(30));
		gate.setLimit(1);
		assertThat(gate.enter()).isTrue();
		List<String> admitted = new CopyOnWriteArrayList<>();
		Thread waiter = Thread.ofPlatform().start(() -> {
			try {
				if (gate.enter()) {
					admitted.add("waiter");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		this.threads.add(waiter);
		await().atMost(Duration.ofSeconds(5)).until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
		gate.setLimit(1000);
		waiter.join(Duration.ofSeconds(5));
		assertThat(admitted).containsExactly("waiter");
		assertThat(gate.getLimit()).isEqualTo(3);
		assertThat(gate.enter()).isTrue();
		assertThat(gate.getInFlight()).isEqualTo(3);
		gate.setLimit(0);
		assertThat(gate.getLimit()).isEqualTo(1);
	}

	private Thread waiter(RequestGate gate, String name, List<String> admitted) {
		Thread thread = Thread.ofPlatform().name(name).start(() -> {
			try {
				if (gate.enter()) {
					admitted.add(name);
					gate.exit();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		this.threads.add(thread);
		return thread;
	}

}
