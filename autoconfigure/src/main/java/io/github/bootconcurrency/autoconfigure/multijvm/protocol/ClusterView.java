package io.github.bootconcurrency.autoconfigure.multijvm.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster of a multi-jvm master as the master sees it, shown by every worker's
 * {@code /actuator/concurrency}.
 *
 * <p>
 * The master builds and encodes it, and runs without the actuator, which is optional:
 * this type refers to nothing of the actuator's, and the endpoint copies it into a
 * response type of its own.
 *
 * @param balancer how requests reach the workers
 * @param targetWorkers how many workers the master keeps running
 * @param counters what the master did since it started
 * @param workers every worker process, ready or not
 */
public record ClusterView(String balancer, int targetWorkers, Counters counters, List<WorkerView> workers) {

	/**
	 * Why the master replaces or stops a worker, as {@link Counters#replacements()} names
	 * the reasons, in that order.
	 */
	public static final List<String> REPLACEMENT_REASONS = List.of("crashed", "hung", "max-requests", "max-heap",
			"request-stuck", "output-unread", "aot-cache", "reload", "scale");

	/**
	 * What the master did since it started.
	 *
	 * @param spawned workers started
	 * @param killed workers killed because they hung, overran a timeout or would not stop
	 * @param restarts workers replaced because they died
	 * @param reloads reloads (SIGHUP or the actuator)
	 * @param recycled workers replaced after max-requests
	 * @param replacements workers replaced or stopped, by reason (crashed, hung,
	 * max-requests, max-heap, request-stuck, output-unread, aot-cache, reload, scale): a
	 * ready worker that died, one killed as hung, one recycled, one replaced by a reload,
	 * one stopped because the count went down
	 */
	public record Counters(long spawned, long killed, long restarts, long reloads, long recycled,
			Map<String, Long> replacements) {

		public Counters {
			// In the order of the reasons, as the endpoint shows them.
			replacements = Collections.unmodifiableMap(new LinkedHashMap<>(replacements));
		}

		/**
		 * Counters with no replacement counted by reason.
		 * @param spawned workers started
		 * @param killed workers killed
		 * @param restarts workers replaced because they died
		 * @param reloads reloads
		 * @param recycled workers replaced after max-requests
		 */
		public Counters(long spawned, long killed, long restarts, long reloads, long recycled) {
			this(spawned, killed, restarts, reloads, recycled, Map.of());
		}

		/**
		 * Return the workers replaced or stopped for a reason.
		 * @param reason the reason, one of {@link ClusterView#REPLACEMENT_REASONS}
		 * @return how many
		 */
		public long replacements(String reason) {
			return this.replacements.getOrDefault(reason, 0L);
		}

	}

	/**
	 * One worker, as the master sees it.
	 *
	 * @param id the worker's id, as its log lines show it
	 * @param slot the worker's place in the cluster, kept by its replacements
	 * @param pid the worker's process id
	 * @param port the loopback port the worker reported it serves on, 0 until it is ready
	 * @param state booting, ready or draining
	 * @param ageMillis time since the worker was started
	 * @param requests requests the worker served, as it last reported them
	 * @param restarts how many workers held this slot before this one
	 * @param heapUsedBytes heap in use, as the worker last reported it
	 * @param bootMillis time from the worker's launch to its ready heartbeat, as its
	 * ready line says it; 0 until it is ready
	 * @param aotCache what the worker made of the master's AOT cache, as its ready line
	 * says it but in one word ({@code used}, {@code recording}, {@code refused},
	 * {@code not-opened}, {@code none}); until it is ready, what it was given;
	 * {@value ClusterView#AOT_CACHE_OFF} if the master keeps no cache,
	 * {@value ClusterView#AOT_CACHE_UNKNOWN} from a master older than this field
	 */
	public record WorkerView(int id, int slot, long pid, int port, String state, long ageMillis, long requests,
			int restarts, long heapUsedBytes, long bootMillis, String aotCache) {
	}

	/**
	 * {@link WorkerView#aotCache()} of a worker whose master keeps no AOT cache.
	 */
	public static final String AOT_CACHE_OFF = "off";

	/**
	 * {@link WorkerView#aotCache()} of a worker whose master did not say it.
	 */
	public static final String AOT_CACHE_UNKNOWN = "unknown";

	/**
	 * Encode the view as the lines of the master's control channel. A field added later
	 * goes at the end of its line: a reader ignores the fields after those it knows, so a
	 * worker of an older version (after a reload with a new jar) reads the new lines.
	 * @return the lines
	 */
	public List<String> encode() {
		List<String> lines = new ArrayList<>();
		lines.add("balancer " + this.balancer);
		lines.add("target " + this.targetWorkers);
		lines.add("counters " + this.counters.spawned + " " + this.counters.killed + " " + this.counters.restarts + " "
				+ this.counters.reloads + " " + this.counters.recycled);
		StringBuilder replacements = new StringBuilder("replacements");
		for (String reason : REPLACEMENT_REASONS) {
			replacements.append(' ').append(reason).append('=').append(this.counters.replacements(reason));
		}
		lines.add(replacements.toString());
		for (WorkerView worker : this.workers) {
			lines.add("worker " + worker.id + " " + worker.slot + " " + worker.pid + " " + worker.port + " "
					+ worker.state + " " + worker.ageMillis + " " + worker.requests + " " + worker.restarts + " "
					+ worker.heapUsedBytes + " " + worker.bootMillis + " " + worker.aotCache);
		}
		return lines;
	}

	/**
	 * Decode the lines of the master's channel. A worker line of a master older than its
	 * last fields reads as {@link WorkerView#bootMillis() 0} and
	 * {@value #AOT_CACHE_UNKNOWN}.
	 * @param lines the lines, as {@link #encode()} wrote them
	 * @return the view
	 * @throws IllegalArgumentException if a line cannot be read
	 */
	public static ClusterView decode(List<String> lines) {
		String balancer = null;
		int target = 0;
		Counters counters = null;
		Map<String, Long> replacements = new LinkedHashMap<>();
		List<WorkerView> workers = new ArrayList<>();
		for (String line : lines) {
			String[] f = line.split(" ");
			switch (f[0]) {
				case "balancer" -> balancer = f[1];
				case "target" -> target = Integer.parseInt(f[1]);
				case "counters" -> counters = new Counters(Long.parseLong(f[1]), Long.parseLong(f[2]),
						Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]));
				case "replacements" -> {
					for (int i = 1; i < f.length; i++) {
						int equals = f[i].indexOf('=');
						replacements.put(f[i].substring(0, equals), Long.parseLong(f[i].substring(equals + 1)));
					}
				}
				case "worker" -> workers.add(new WorkerView(Integer.parseInt(f[1]), Integer.parseInt(f[2]),
						Long.parseLong(f[3]), Integer.parseInt(f[4]), f[5], Long.parseLong(f[6]), Long.parseLong(f[7]),
						Integer.parseInt(f[8]), Long.parseLong(f[9]), (f.length > 10) ? Long.parseLong(f[10]) : 0,
						(f.length > 11) ? f[11] : AOT_CACHE_UNKNOWN));
				default -> throw new IllegalArgumentException("Unexpected line from the master: " + line);
			}
		}
		if (balancer == null || counters == null) {
			throw new IllegalArgumentException("Incomplete cluster view from the master: " + lines);
		}
		counters = new Counters(counters.spawned, counters.killed, counters.restarts, counters.reloads,
				counters.recycled, replacements);
		return new ClusterView(balancer, target, counters, List.copyOf(workers));
	}

}
