package io.github.bootconcurrency.autoconfigure.testsupport;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Surge-first replacement, proven from traffic rather than from the order of the master's
 * lines (under {@code shared-socket} the balancer adds and removes nothing): the old
 * worker kept serving while its successor booted, the successor served, not one request
 * failed, and no request that reached the server after the old worker stopped taking new
 * ones went to it.
 *
 * <p>
 * When the old worker stops taking new requests is an event each balancer makes visible:
 * under {@code proxy} the master takes it out of rotation before it logs "left the
 * balancer"; under {@code shared-socket} the worker logs that it closed its copy of the
 * listening socket.
 */
public final class Handover {

	private Handover() {
	}

	/**
	 * Assert that a worker was replaced surge-first.
	 * @param master the master
	 * @param balancer its balancer
	 * @param exchanges the traffic sent throughout, one connection per request
	 * @param old the pid of the worker replaced
	 * @param successor the pid of the worker that replaced it
	 */
	public static void assertSurgeFirst(MasterProcess master, Balancer balancer, List<Traffic.Exchange> exchanges,
			long old, long successor) {
		assertThat(exchanges).as("requests sent while worker %d was replaced", old)
			.isNotEmpty()
			.allSatisfy((exchange) -> assertThat(exchange.ok()).as(exchange.toString()).isTrue());
		ProcessOutput output = master.lines();
		long successorStarted = output
			.await(Pattern.compile("Started worker \\d+ \\(pid " + successor + "[,)]"), 1, Duration.ofSeconds(10))
			.nanos();
		long successorReady = output
			.await(Pattern.compile("worker \\d+ \\(pid " + successor + ", port \\d+, ready\\) is ready"), 1,
					Duration.ofSeconds(10))
			.nanos();
		long oldStopsTaking = stopsTakingRequests(output, balancer, old);
		assertThat(successorReady).as("the successor was ready before worker %d stopped taking requests", old)
			.isLessThanOrEqualTo(oldStopsTaking);
		assertThat(exchanges.stream().filter((exchange) -> exchange.pid() == old && exchange.sent() > successorStarted))
			.as("requests that worker %d served while its successor booted", old)
			.isNotEmpty();
		assertThat(exchanges.stream().filter((exchange) -> exchange.pid() == successor))
			.as("requests its successor served")
			.isNotEmpty();
		assertThat(exchanges.stream().filter((exchange) -> exchange.pid() == old && exchange.sent() > oldStopsTaking))
			.as("requests sent to worker %d after it stopped taking new ones", old)
			.isEmpty();
	}

	/**
	 * Assert that the first workers were replaced surge-first, one after the other: the
	 * first of them to stop taking requests by the first successor to become ready, and
	 * so on.
	 * @param master the master
	 * @param balancer its balancer
	 * @param exchanges the traffic sent throughout, one connection per request
	 * @param replaced the pids of the workers replaced: the first ones to become ready
	 */
	public static void assertEachSurgeFirst(MasterProcess master, Balancer balancer, List<Traffic.Exchange> exchanges,
			List<Long> replaced) {
		List<Long> byStop = replaced.stream()
			.sorted(Comparator.comparingLong((pid) -> stopsTakingRequests(master.lines(), balancer, pid)))
			.toList();
		List<Long> ready = master.readyPids();
		assertThat(ready).as("workers ready, in order").hasSizeGreaterThanOrEqualTo(2 * replaced.size());
		assertThat(ready.subList(0, replaced.size())).as("the first workers")
			.containsExactlyInAnyOrderElementsOf(replaced);
		List<Long> successors = ready.subList(replaced.size(), ready.size());
		for (int i = 0; i < byStop.size(); i++) {
			assertSurgeFirst(master, balancer, exchanges, byStop.get(i), successors.get(i));
		}
	}

	/**
	 * Return when a worker stopped taking new requests, by the event its balancer makes
	 * visible.
	 * @param output the master's output
	 * @param balancer the balancer
	 * @param pid the worker
	 * @return when the line came ({@link System#nanoTime()})
	 */
	public static long stopsTakingRequests(ProcessOutput output, Balancer balancer, long pid) {
		Pattern event = switch (balancer) {
			case PROXY -> Pattern.compile("worker \\d+ \\(pid " + pid + ", .*\\) left the balancer");
			case SHARED_SOCKET -> Pattern.compile("\\[worker \\d+ pid " + pid + "\\] .*"
					+ Pattern.quote("closed its copy of the shared listening socket"));
			case DEFAULT -> throw new IllegalArgumentException("Name the balancer");
		};
		return output.await(event, 1, Duration.ofSeconds(60)).nanos();
	}

}
