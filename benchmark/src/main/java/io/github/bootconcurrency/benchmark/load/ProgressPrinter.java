package io.github.bootconcurrency.benchmark.load;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Shows how far a run is, on standard error so that standard output keeps only the
 * report. On a terminal it redraws one bar in place; in CI ({@code CI=true}) or when
 * output goes to a file it prints a plain line every few seconds instead, since a
 * carriage-return bar makes an unreadable log.
 */
public final class ProgressPrinter {

	private static final long TERMINAL_REFRESH_MILLIS = 200;

	private static final long PLAIN_REFRESH_MILLIS = 5_000;

	private static final int BAR_WIDTH = 30;

	private final PrintStream out;

	private final boolean terminal;

	private final boolean quiet;

	ProgressPrinter(PrintStream out, boolean terminal, boolean quiet) {
		this.out = out;
		this.terminal = terminal;
		this.quiet = quiet;
	}

	/** Bar on a terminal, plain lines otherwise, on standard error. */
	public static ProgressPrinter forConsole() {
		return new ProgressPrinter(System.err, isTerminal(), false);
	}

	/** Prints nothing (tests, nested runs). */
	public static ProgressPrinter silent() {
		return new ProgressPrinter(System.err, false, true);
	}

	static boolean isTerminal() {
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			return false;
		}
		Console console = System.console();
		if (console == null) {
			return false;
		}
		// Since Java 22 System.console() is not null when output is redirected either;
		// Console.isTerminal() (22+) tells. Looked up reflectively: the tool runs on 21
		// too.
		try {
			Method isTerminal = Console.class.getMethod("isTerminal");
			return (boolean) isTerminal.invoke(console);
		}
		catch (ReflectiveOperationException ex) {
			return true;
		}
	}

	/**
	 * Starts showing the progress of a run until the returned handle is closed.
	 * @param label what runs
	 * @param total requests expected, or 0 when unknown (a closed loop)
	 * @param duration how long the run lasts when it is bounded by time, or {@code null}
	 * @param finished requests finished so far
	 */
	Handle start(String label, int total, @Nullable Duration duration, AtomicInteger finished) {
		if (this.quiet) {
			return () -> {
			};
		}
		long start = System.nanoTime();
		Thread thread = Thread.ofPlatform().daemon().name("progress").start(() -> {
			long refresh = this.terminal ? TERMINAL_REFRESH_MILLIS : PLAIN_REFRESH_MILLIS;
			try {
				while (true) {
					Thread.sleep(refresh);
					print(label, total, duration, finished.get(), (System.nanoTime() - start) / 1e9);
				}
			}
			catch (InterruptedException ex) {
				// Closed: the run is over.
			}
		});
		return () -> {
			thread.interrupt();
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			if (this.terminal) {
				this.out.print("\r\033[2K");
				this.out.flush();
			}
		};
	}

	private void print(String label, int total, Duration duration, int finished, double elapsed) {
		double fraction;
		String count;
		if (total > 0) {
			fraction = Math.min(1, finished / (double) total);
			count = String.format(Locale.ROOT, "%,d/%,d", finished, total);
		}
		else {
			fraction = (duration != null && !duration.isZero()) ? Math.min(1, elapsed / (duration.toNanos() / 1e9)) : 0;
			count = String.format(Locale.ROOT, "%,d done", finished);
		}
		if (this.terminal) {
			int filled = (int) Math.round(fraction * BAR_WIDTH);
			String bar = "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled);
			this.out.printf(Locale.ROOT, "\r\033[2K%s [%s] %s %.1f s", label, bar, count, elapsed);
		}
		else {
			this.out.printf(Locale.ROOT, "  %s: %s after %.1f s%n", label, count, elapsed);
		}
		this.out.flush();
	}

	/**
	 * Stops the progress display.
	 */
	interface Handle extends AutoCloseable {

		@Override
		void close();

	}

}
