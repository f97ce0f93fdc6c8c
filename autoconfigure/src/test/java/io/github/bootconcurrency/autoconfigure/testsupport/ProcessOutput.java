package io.github.bootconcurrency.autoconfigure.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a child process writes, collected line by line as it comes, each line with the
 * time it arrived, so that a test can wait for a line (an event) with a bound instead of
 * sleeping, and can tell what happened before and after it.
 *
 * <p>
 * A platform daemon thread reads the stream; it ends when the process closes it. Waiting
 * threads are woken by each new line, never by a poll. At most {@link #MAX_CHARS}
 * characters are kept: a child that floods its output keeps its last lines and says how
 * many were dropped, rather than filling the test JVM's heap.
 */
public final class ProcessOutput {

	static final int MAX_CHARS = 16 * 1024 * 1024;

	/**
	 * A line and when it arrived ({@link System#nanoTime()}).
	 *
	 * @param nanos when it was read
	 * @param text the line, without its end
	 */
	public record Line(long nanos, String text) {
	}

	private final String name;

	private final List<Line> lines = new ArrayList<>();

	private final Thread reader;

	private long chars;

	private long dropped;

	private boolean ended;

	private ProcessOutput(String name, InputStream stream) {
		this.name = name;
		this.reader = Thread.ofPlatform().daemon().name("output-of-" + name).start(() -> read(stream));
	}

	/**
	 * Start reading a process's standard output (with its errors, if redirected there).
	 * @param name what the process is, for messages
	 * @param process the process
	 * @return the output, filling as the process writes
	 */
	public static ProcessOutput of(String name, Process process) {
		return new ProcessOutput(name, process.getInputStream());
	}

	private void read(InputStream stream) {
		try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
			for (String line = in.readLine(); line != null; line = in.readLine()) {
				add(new Line(System.nanoTime(), line));
			}
		}
		catch (IOException ex) {
			// The stream was closed under the reader: the process is gone.
		}
		finally {
			synchronized (this) {
				this.ended = true;
				notifyAll();
			}
		}
	}

	private synchronized void add(Line line) {
		this.lines.add(line);
		this.chars += line.text().length() + 1;
		while (this.chars > MAX_CHARS && this.lines.size() > 1) {
			this.chars -= this.lines.remove(0).text().length() + 1;
			this.dropped++;
		}
		notifyAll();
	}

	/**
	 * Return every line so far.
	 * @return the lines
	 */
	public synchronized List<Line> lines() {
		return List.copyOf(this.lines);
	}

	/**
	 * Return the output so far as text.
	 * @return the text, one line each
	 */
	public synchronized String text() {
		StringBuilder text = new StringBuilder();
		if (this.dropped > 0) {
			text.append("[").append(this.dropped).append(" earlier lines dropped]\n");
		}
		for (Line line : this.lines) {
			text.append(line.text()).append('\n');
		}
		return text.toString();
	}

	/**
	 * Return the last lines so far, for a failure message.
	 * @param count how many
	 * @return the lines as text
	 */
	public synchronized String tail(int count) {
		StringBuilder text = new StringBuilder();
		for (Line line : this.lines.subList(Math.max(0, this.lines.size() - count), this.lines.size())) {
			text.append(line.text()).append('\n');
		}
		return text.toString();
	}

	/**
	 * Return how many lines so far match.
	 * @param pattern what to find in a line
	 * @return the count
	 */
	public synchronized int count(Pattern pattern) {
		return (int) this.lines.stream().filter((line) -> pattern.matcher(line.text()).find()).count();
	}

	/**
	 * Wait until a line contains a text.
	 * @param text the text
	 * @param timeout how long to wait at most
	 * @return the first such line
	 * @throws AssertionError if none came within the timeout, or the output ended first
	 */
	public Line await(String text, Duration timeout) {
		return await(text, 1, timeout);
	}

	/**
	 * Wait until a number of lines contain a text.
	 * @param text the text
	 * @param count how many lines
	 * @param timeout how long to wait at most
	 * @return the last of the first {@code count} such lines
	 * @throws AssertionError if they did not come within the timeout, or the output ended
	 * first
	 */
	public Line await(String text, int count, Duration timeout) {
		return await((line) -> line.contains(text), count, "'" + text + "'", timeout);
	}

	/**
	 * Wait until a number of lines match a pattern.
	 * @param pattern what to find in a line
	 * @param count how many lines
	 * @param timeout how long to wait at most
	 * @return the last of the first {@code count} such lines
	 * @throws AssertionError if they did not come within the timeout, or the output ended
	 * first
	 */
	public Line await(Pattern pattern, int count, Duration timeout) {
		return await((line) -> pattern.matcher(line).find(), count, "/" + pattern + "/", timeout);
	}

	private synchronized Line await(Predicate<String> matches, int count, String what, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		// Counted from the first line ever read, so that lines dropped from the front
		// meanwhile move nothing.
		long checked = 0;
		int found = 0;
		while (true) {
			for (checked = Math.max(checked, this.dropped); checked < this.dropped + this.lines.size(); checked++) {
				Line line = this.lines.get((int) (checked - this.dropped));
				if (matches.test(line.text()) && ++found == count) {
					return line;
				}
			}
			long left = deadline - System.nanoTime();
			if (this.ended || left <= 0) {
				throw new AssertionError(((count > 1) ? count + " lines with " : "A line with ") + what + " of "
						+ this.name + (this.ended ? " never came: the output ended" : " did not come within " + timeout)
						+ " (" + found + " came). Its last lines:\n" + tail(60));
			}
			try {
				wait(Math.max(1, left / 1_000_000));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted while waiting for " + what + " of " + this.name, ex);
			}
		}
	}

	/**
	 * Wait until the process has closed its output, which it does when it exits.
	 * @param timeout how long to wait at most
	 * @return whether it has
	 */
	public boolean awaitEnd(Duration timeout) {
		try {
			this.reader.join(timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return !this.reader.isAlive();
	}

}
