package io.github.bootconcurrency.autoconfigure.multijvm.master.workers;

import java.time.Duration;
import java.time.Instant;

import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerProcess;

/**
 * When a worker out of service is killed if it still runs, and why, for the log: the
 * master's policy for a worker asked to stop (drained) or taken out of service without
 * being asked anything (retired).
 *
 * @param at when it is killed
 * @param overdue why it is killed then, for the log
 */
public record WorkerDeadline(Instant at, String overdue) {

	/**
	 * How much longer than the graceful timeout a recorder of the AOT cache may take to
	 * stop: it writes its recording as it exits (spring-petclinic's took over 30 s).
	 */
	public static final Duration RECORDING_EXIT = Duration.ofMinutes(2);

	/**
	 * Return the deadline of a worker asked to stop (SIGTERM): the graceful timeout, and
	 * {@link #RECORDING_EXIT} more for a recorder of the AOT cache whose recording
	 * matters.
	 * @param graceful when the graceful timeout is over
	 * @param process the worker's process
	 * @param recordingMatters whether a recorder gets {@link #RECORDING_EXIT} more
	 * @return the deadline
	 */
	static WorkerDeadline drain(Instant graceful, WorkerProcess process, boolean recordingMatters) {
		boolean recording = recordingMatters
				&& process.aotCache().filter(WorkerProcess.AOT_CACHE_RECORDING::equals).isPresent();
		return recording
				? new WorkerDeadline(graceful.plus(RECORDING_EXIT),
						"did not stop within the graceful timeout and the time to write its AOT cache recording")
				: new WorkerDeadline(graceful, "did not stop within the graceful timeout");
	}

	/**
	 * Whether the deadline has come.
	 * @param now the time
	 * @return whether it is the time to kill the worker, or later
	 */
	boolean passed(Instant now) {
		return !now.isBefore(this.at);
	}

}
