package io.github.bootconcurrency.autoconfigure.multijvm.master.workers;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import io.github.bootconcurrency.autoconfigure.multijvm.master.config.HeapLimit;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerProcess;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ClusterView;
import org.jspecify.annotations.Nullable;

/**
 * One worker JVM, as the master sees it. Only the master's loop changes it; the control
 * channel's threads read it for the cluster view, hence the volatile fields.
 */
public final class Worker {

	/**
	 * Where a worker is in its life.
	 */
	public enum State {

		/**
		 * Started, not yet ready: not in the balancer.
		 */
		BOOTING,

		/**
		 * Ready: in the balancer.
		 */
		READY,

		/**
		 * Out of the balancer, finishing its requests or about to be killed.
		 */
		DRAINING

	}

	private final int id;

	private final int slot;

	private final int restarts;

	private final int generation;

	private final String token;

	private final long maxRequests;

	private final WorkerProcess process;

	private final Instant started;

	private volatile State state = State.BOOTING;

	private volatile int port;

	private volatile @Nullable Instant readyAt;

	private volatile @Nullable Instant lastHeartbeat;

	private volatile long requests;

	private volatile long heapUsedBytes;

	private volatile long stuckMillis;

	private volatile boolean inRotation;

	private volatile long heapAfterGcBytes = -1;

	private HeapLimit heapLimit = HeapLimit.NONE;

	private long heapLimitBytes = -1;

	private long collections = -1;

	private int collectionsOverLimit;

	private @Nullable WorkerDeadline deadline;

	private boolean killed;

	private boolean recycling;

	/**
	 * Create a worker.
	 * @param id the worker's id, unique for the master's life
	 * @param slot the worker's place in the cluster, which its replacements take over
	 * @param restarts how many workers held the slot before this one
	 * @param generation the reload generation the worker belongs to
	 * @param token the secret the worker proves itself with on the control channel
	 * @param maxRequests requests after which the worker is recycled, 0 for never
	 * @param process the worker's process
	 * @param started when it was started
	 */
	Worker(int id, int slot, int restarts, int generation, String token, long maxRequests, WorkerProcess process,
			Instant started) {
		this.id = id;
		this.slot = slot;
		this.restarts = restarts;
		this.generation = generation;
		this.token = token;
		this.maxRequests = maxRequests;
		this.process = process;
		this.started = started;
	}

	public int id() {
		return this.id;
	}

	public int slot() {
		return this.slot;
	}

	public int generation() {
		return this.generation;
	}

	public String token() {
		return this.token;
	}

	public WorkerProcess process() {
		return this.process;
	}

	public State state() {
		return this.state;
	}

	public boolean isActive() {
		return this.state != State.DRAINING;
	}

	Instant started() {
		return this.started;
	}

	public @Nullable Instant readyAt() {
		return this.readyAt;
	}

	int port() {
		return this.port;
	}

	public URI uri() {
		return URI.create("http://127.0.0.1:" + this.port);
	}

	long requests() {
		return this.requests;
	}

	long maxRequests() {
		return this.maxRequests;
	}

	Duration age(Instant now) {
		return Duration.between(this.started, now);
	}

	/**
	 * The worker said it is ready, and on which port it serves.
	 * @param now the time
	 * @param port the port it bound
	 */
	void ready(Instant now, int port) {
		this.port = port;
		this.readyAt = now;
		this.lastHeartbeat = now;
		this.state = State.READY;
		this.inRotation = true;
	}

	/**
	 * Whether the balancer sends the worker requests: a ready worker leaves the rotation
	 * while its application refuses traffic (it is shutting down, or said so itself).
	 * @return whether it is in the rotation
	 */
	boolean inRotation() {
		return this.inRotation;
	}

	void rotation(boolean inRotation) {
		this.inRotation = inRotation;
	}

	/**
	 * Whether the worker ever sent a heartbeat.
	 * @return whether the master heard from it
	 */
	boolean heardFrom() {
		return this.lastHeartbeat != null;
	}

	/**
	 * Count the worker's silence from now: the master, not the worker, could not listen.
	 * @param now the time
	 */
	void forgive(Instant now) {
		if (this.state == State.READY) {
			this.lastHeartbeat = now;
		}
	}

	/**
	 * Mark the worker as due for recycling, once.
	 * @return whether it was not marked before
	 */
	boolean dueForRecycling() {
		if (this.recycling) {
			return false;
		}
		this.recycling = true;
		return true;
	}

	void heartbeat(Instant now, long requests, long heapUsedBytes) {
		this.lastHeartbeat = now;
		this.requests = requests;
		this.heapUsedBytes = heapUsedBytes;
	}

	/**
	 * Give the worker the heap it may hold after a collection, from the configuration it
	 * was started with.
	 * @param limit the limit
	 */
	void heapLimit(HeapLimit limit) {
		this.heapLimit = limit;
	}

	/**
	 * Take the figures of the worker's last collection from its heartbeat. A heartbeat
	 * with no collection since the previous one is no new sample: a worker idle after one
	 * collection over the limit would otherwise be counted over again at every beat.
	 * @param heapAfterGcBytes heap in use after the last collection, or a negative number
	 * if not reported
	 * @param heapMaxBytes the worker's maximum heap, or a negative number if not reported
	 * @param collections collections its JVM ran so far, or a negative number if not
	 * reported
	 */
	void collected(long heapAfterGcBytes, long heapMaxBytes, long collections) {
		if (heapAfterGcBytes < 0 || collections < 0) {
			return;
		}
		this.heapAfterGcBytes = heapAfterGcBytes;
		if (collections <= this.collections) {
			return;
		}
		this.collections = collections;
		this.heapLimitBytes = this.heapLimit.bytesOf(heapMaxBytes);
		boolean over = this.heapLimitBytes > 0 && heapAfterGcBytes > this.heapLimitBytes;
		this.collectionsOverLimit = over ? this.collectionsOverLimit + 1 : 0;
	}

	/**
	 * Whether the worker held more heap than its limit after {@link HeapLimit#SAMPLES}
	 * collections in a row.
	 * @return whether to recycle it
	 */
	boolean overHeapLimit() {
		return this.collectionsOverLimit >= HeapLimit.SAMPLES;
	}

	long heapAfterGcBytes() {
		return this.heapAfterGcBytes;
	}

	HeapLimit heapLimit() {
		return this.heapLimit;
	}

	long heapLimitBytes() {
		return this.heapLimitBytes;
	}

	/**
	 * Record how long the worker's oldest request past the request timeout has run, as
	 * its last heartbeat said.
	 * @param stuckMillis the time in milliseconds, 0 if no request runs past it
	 */
	void stuck(long stuckMillis) {
		this.stuckMillis = stuckMillis;
	}

	/**
	 * Return how long the worker's oldest request past the request timeout has run.
	 * @return the time, zero if no request runs past it
	 */
	Duration stuckFor() {
		return Duration.ofMillis(this.stuckMillis);
	}

	/**
	 * Return how long the worker has been silent since it became ready.
	 * @param now the time
	 * @return the time since its last heartbeat, zero before it is ready
	 */
	Duration silentFor(Instant now) {
		Instant last = this.lastHeartbeat;
		return (this.state == State.READY && last != null) ? Duration.between(last, now) : Duration.ZERO;
	}

	/**
	 * Whether the worker served its share of requests.
	 * @return whether to recycle it
	 */
	boolean servedItsShare() {
		return this.maxRequests > 0 && this.requests >= this.maxRequests;
	}

	/**
	 * Ask the worker to stop (SIGTERM): it finishes its requests, then exits, or is
	 * killed at the deadline.
	 * @param deadline when the graceful timeout is over
	 * @param recordingMatters whether a recorder gets
	 * {@link WorkerDeadline#RECORDING_EXIT} more
	 */
	public void drain(Instant deadline, boolean recordingMatters) {
		retire(WorkerDeadline.drain(deadline, this.process, recordingMatters));
		this.process.terminate();
	}

	/**
	 * Take the worker out of service without asking it anything: it is killed at the
	 * deadline.
	 * @param deadline when it is killed
	 * @param overdue why it is killed then, for the log
	 */
	void retire(Instant deadline, String overdue) {
		retire(new WorkerDeadline(deadline, overdue));
	}

	private void retire(WorkerDeadline deadline) {
		this.state = State.DRAINING;
		this.inRotation = false;
		this.deadline = deadline;
	}

	/**
	 * Return why the worker must be killed now, once, or {@code null}.
	 * @param now the time
	 * @return the reason, or {@code null} if it is not overdue or was killed already
	 */
	@Nullable String overdue(Instant now) {
		WorkerDeadline due = this.deadline;
		return (this.state != State.DRAINING || this.killed || due == null || !due.passed(now)) ? null : due.overdue();
	}

	boolean killed() {
		return this.killed;
	}

	void kill() {
		this.killed = true;
		this.process.kill();
	}

	ClusterView.WorkerView view(Instant now) {
		Instant ready = this.readyAt;
		long bootMillis = (ready != null) ? age(ready).toMillis() : 0;
		return new ClusterView.WorkerView(this.id, this.slot, this.process.pid(), this.port,
				this.state.name().toLowerCase(Locale.ROOT), age(now).toMillis(), this.requests, this.restarts,
				this.heapUsedBytes, bootMillis, aotCache());
	}

	/**
	 * Return what the worker made of the AOT cache, in one word: the view is a line of
	 * words and the master's series take it as a label. Read afresh each time: what its
	 * ready line said, until its JVM's lines read after it say otherwise (a refusal read
	 * late makes a {@code used} worker {@code refused}).
	 * @return {@code used}, {@code recording}, {@code refused}, {@code not-opened},
	 * {@code none}, or {@value ClusterView#AOT_CACHE_OFF} if the master keeps no cache
	 */
	String aotCache() {
		return this.process.aotCache().map((use) -> use.replace(' ', '-')).orElse(ClusterView.AOT_CACHE_OFF);
	}

	@Override
	public String toString() {
		String where = (this.port != 0) ? ", port " + this.port : "";
		return "worker " + this.id + " (pid " + this.process.pid() + where + ", "
				+ this.state.name().toLowerCase(Locale.ROOT) + ")";
	}

}
