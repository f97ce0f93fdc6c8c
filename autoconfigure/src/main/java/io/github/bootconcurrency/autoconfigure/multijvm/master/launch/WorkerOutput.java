package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Copies a worker's output (its standard output and error, one pipe) to the master's,
 * line by line, for as long as the worker writes. Nobody else reads that pipe: if this
 * stopped, the worker's next write would block once the pipe is full, and with it every
 * thread that logs, while its heartbeat still said ready. So it reads with no limit but
 * the pipe's end: a line is cut at {@link #MAX_LINE_BYTES} (the rest is counted, not
 * kept), a line the master cannot print is dropped and reading goes on, and if the pipe
 * itself cannot be read any more it is closed, so that the worker's writes fail rather
 * than block, and the master is told why, to replace the worker.
 */
final class WorkerOutput implements Runnable {

	/**
	 * Longest line forwarded, in bytes: longer lines are cut, with a marker.
	 */
	static final int MAX_LINE_BYTES = 64 * 1024;

	private static final int READ_BYTES = 8192;

	private final InputStream output;

	private final Consumer<String> lines;

	private final Consumer<String> warning;

	private final BooleanSupplier workerAlive;

	private final Consumer<String> cannotDrain;

	private final byte[] line = new byte[MAX_LINE_BYTES];

	private int length;

	private long dropped;

	private boolean linesFailed;

	/**
	 * Create a copier.
	 * @param output the worker's output
	 * @param lines takes each line, without its line end
	 * @param warning takes the one warning that lines could not be printed
	 * @param workerAlive whether the worker's process still runs, as a read that fails
	 * once it has exited only ends its output
	 * @param cannotDrain told why, if the output cannot be read any more while the worker
	 * runs
	 */
	WorkerOutput(InputStream output, Consumer<String> lines, Consumer<String> warning, BooleanSupplier workerAlive,
			Consumer<String> cannotDrain) {
		this.output = output;
		this.lines = lines;
		this.warning = warning;
		this.workerAlive = workerAlive;
		this.cannotDrain = cannotDrain;
	}

	@Override
	public void run() {
		try {
			copy();
		}
		catch (Throwable ex) {
			stop(ex);
		}
	}

	private void copy() throws IOException {
		byte[] buffer = new byte[READ_BYTES];
		int read;
		while ((read = this.output.read(buffer)) >= 0) {
			for (int i = 0; i < read; i++) {
				byte next = buffer[i];
				if (next == '\n') {
					endLine();
				}
				else if (this.length < MAX_LINE_BYTES) {
					this.line[this.length++] = next;
				}
				else {
					this.dropped++;
				}
			}
		}
		if (this.length > 0 || this.dropped > 0) {
			endLine();
		}
	}

	private void endLine() {
		int end = this.length;
		if (end > 0 && this.line[end - 1] == '\r' && this.dropped == 0) {
			end--;
		}
		long dropped = this.dropped;
		this.length = 0;
		this.dropped = 0;
		try {
			String text = new String(this.line, 0, end, StandardCharsets.UTF_8);
			this.lines.accept((dropped > 0) ? text + " [... line cut: " + dropped
					+ " more bytes not shown; lines are cut at " + MAX_LINE_BYTES + " bytes]" : text);
		}
		catch (Throwable ex) {
			// The worker must not wait on the master's trouble: the line is lost, and
			// reading goes on.
			if (!this.linesFailed) {
				this.linesFailed = true;
				warnQuietly("Could not print a line of the worker's output (" + ex
						+ "); its lines that cannot be printed are dropped from now on, without a word");
			}
		}
	}

	private void stop(Throwable failure) {
		boolean alive;
		try {
			alive = this.workerAlive.getAsBoolean();
		}
		catch (Throwable ex) {
			alive = true;
		}
		try {
			// Its writes now fail at once, where they would block once the pipe is full.
			this.output.close();
		}
		catch (Throwable ex) {
			// Closed as far as it can be.
		}
		if (alive || !(failure instanceof IOException)) {
			String why = "its output cannot be read any more (" + failure + "), and a worker whose output is not read "
					+ "blocks as soon as the pipe is full";
			try {
				this.cannotDrain.accept(why);
			}
			catch (Throwable ex) {
				warnQuietly("Could not report that " + why + ": " + ex);
			}
		}
	}

	private void warnQuietly(String message) {
		try {
			this.warning.accept(message);
		}
		catch (Throwable ex) {
			// Nowhere left to say it.
		}
	}

}
