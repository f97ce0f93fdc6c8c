package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheRefusal;
import org.jspecify.annotations.Nullable;

/**
 * What one worker made of the AOT cache it was given, told by its JVM's first lines. A
 * refused cache does not fail the JVM, and a refusal is not always said (a user's
 * {@code -Xlog} sending warnings to a file, an option that turns sharing off without
 * {@code Unable to map shared spaces}): so the cache counts as used only once the JVM
 * says so. Workers given a cache run with {@value #LOG_OPTION} after every option of
 * their own, so that it wins; their JVM then says {@code Opened AOT cache} (and about 30
 * more lines, which are not forwarded) before the application's first line. A cache
 * opened and not refused by that line is used; one the JVM did not say it opened by that
 * line is not used: counted as a refusal, once. The lines are read on a thread of their
 * own, which can lag behind the worker's ready heartbeat on a loaded host: what decides
 * is the lines, never how fast they were read ({@link #ready()}). So a refusal may be
 * read after the ready line said {@code used}: the use is {@code refused} from then on,
 * and the refusal is reported with what that line said ({@link Refusals}).
 */
final class AotCacheUse {

	/**
	 * The JVM option that makes a worker's JVM say whether it opened the cache: 34 lines
	 * for the sample app on Java 25, all before the application starts.
	 */
	static final String LOG_OPTION = "-Xlog:aot=info";

	/**
	 * The use of a cache the JVM did not say it opened.
	 */
	static final String NOT_OPENED = "not opened";

	static final String REFUSED = "refused";

	/**
	 * How long the master's loop waits, at a worker's ready heartbeat, for the thread
	 * that reads its output to reach the JVM's {@code Opened AOT cache} line, written
	 * seconds before.
	 */
	static final Duration READY_WAIT = Duration.ofSeconds(1);

	/**
	 * A line of the JVM's unified logging, with its decorations, or one the JVM or its
	 * launcher prints before it starts ({@code Picked up JAVA_TOOL_OPTIONS}, a VM
	 * warning): none of them is the application's.
	 */
	private static final Pattern JVM_LINE = Pattern.compile("^(\\[.*|(NOTE: )?Picked up \\S+: .*|.* VM warning: .*)$");

	private static final Pattern AOT_INFO = Pattern.compile("^\\[[^\\]]*\\]\\[info\\s*\\]\\[aot\\] .*");

	private static final Pattern AOT_WARNING = Pattern.compile("^\\[[^\\]]*\\]\\[warning\\s*\\]\\[aot\\] (.*)$");

	private static final String OPENED = "][aot] Opened AOT cache ";

	private final @Nullable AotCacheRefusal refusal;

	private final Refusals onRefused;

	private final AtomicBoolean decided = new AtomicBoolean();

	private final Duration readyWait;

	private final List<String> warnings = new ArrayList<>();

	/**
	 * Notified when the JVM's lines have said the cache was opened, or decided the use.
	 */
	private final Object said = new Object();

	private volatile @Nullable String use;

	private volatile boolean opened;

	/**
	 * What the ready line said while the use was undecided, {@code null} until then.
	 */
	private volatile @Nullable String readyLine;

	/**
	 * Until the application's first line, the JVM's {@code [info][aot]} lines are
	 * dropped.
	 */
	private boolean jvmLines = true;

	/**
	 * Create the use of one worker.
	 * @param given what it was given: {@value WorkerProcess#AOT_CACHE_USED} to be
	 * confirmed, anything else kept as it is
	 * @param onRefused told the reason, once, if the cache was refused or not opened
	 */
	AotCacheUse(@Nullable String given, Refusals onRefused) {
		this(given, onRefused, READY_WAIT);
	}

	AotCacheUse(@Nullable String given, Refusals onRefused, Duration readyWait) {
		this.readyWait = readyWait;
		this.use = given;
		this.refusal = WorkerProcess.AOT_CACHE_USED.equals(given) ? new AotCacheRefusal() : null;
		this.onRefused = onRefused;
		if (this.refusal == null) {
			this.decided.set(true);
		}
	}

	/**
	 * Read one line of the worker's output, on the thread that reads it.
	 * @param line the line
	 * @return whether to forward it to the master's output
	 */
	boolean accept(String line) {
		if (this.refusal == null || !this.jvmLines) {
			return true;
		}
		if (!JVM_LINE.matcher(line).matches()) {
			// The application's first line: the JVM said all it says of the cache.
			this.jvmLines = false;
			decide();
			return true;
		}
		if (this.decided.get()) {
			return !AOT_INFO.matcher(line).matches();
		}
		Optional<String> refused = this.refusal.accept(line);
		if (refused.isPresent()) {
			if (decideAs(REFUSED)) {
				// Read after the ready heartbeat, if set: its line said otherwise.
				this.onRefused.refused(refused.get(), this.readyLine);
			}
			return true;
		}
		if (line.contains(OPENED)) {
			synchronized (this.said) {
				this.opened = true;
				this.said.notifyAll();
			}
		}
		var warning = AOT_WARNING.matcher(line);
		if (warning.matches()) {
			synchronized (this.warnings) {
				this.warnings.add(warning.group(1).trim());
			}
		}
		return !AOT_INFO.matcher(line).matches();
	}

	/**
	 * The worker is ready, on the master's loop. Its JVM said whether it opened the cache
	 * seconds ago, before the application started, but the thread that reads its lines
	 * may not have read them yet: the loop waits for it at most {@link #READY_WAIT}. A
	 * cache the JVM said it opened is used in the ready line (the application may print
	 * nothing to tell the end of the JVM's lines), unless a refusal the JVM printed after
	 * it is read before the application's first line; one it has not said it opened by
	 * then is {@value #NOT_OPENED} in the ready line, and counted as a refusal only once
	 * the application's first line is read without it: never for want of reading.
	 */
	void ready() {
		if (this.decided.get()) {
			return;
		}
		synchronized (this.said) {
			long deadline = System.nanoTime() + this.readyWait.toNanos();
			long left = this.readyWait.toNanos();
			while (!this.opened && !this.decided.get() && left > 0) {
				try {
					TimeUnit.NANOSECONDS.timedWait(this.said, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
				left = deadline - System.nanoTime();
			}
			if (!this.decided.get()) {
				// Undecided: the JVM says Opened before it verifies the
				// file, so a refusal (a checksum, a header that does not
				// match) may follow it. Said as it stands for the ready
				// line; a refusal, or the application's first line, decides
				// (accept).
				this.use = this.opened ? WorkerProcess.AOT_CACHE_USED : NOT_OPENED;
				this.readyLine = this.use;
			}
		}
	}

	/**
	 * Return the worker's use of the cache, as its JVM's lines read by now tell: what its
	 * ready line said, until a refusal read after it makes it {@code refused}, or an
	 * {@code Opened AOT cache} read after it makes a {@value #NOT_OPENED} {@code used}.
	 * @return {@code used}, {@code refused}, {@value #NOT_OPENED}, {@code recording} or
	 * {@code none}, or empty if the master keeps no cache
	 */
	Optional<String> use() {
		return Optional.ofNullable(this.use);
	}

	/**
	 * Decide the use, once, waking a loop that waits for it in {@link #ready()}.
	 * @return whether this decided it
	 */
	private boolean decideAs(String use) {
		synchronized (this.said) {
			if (!this.decided.compareAndSet(false, true)) {
				return false;
			}
			this.use = use;
			this.said.notifyAll();
			return true;
		}
	}

	private void decide() {
		// Only the thread that reads sets opened, and the loop calls this once it is set
		// (ready): read once, it is what decides.
		boolean saidOpened = this.opened;
		if (!decideAs(saidOpened ? WorkerProcess.AOT_CACHE_USED : NOT_OPENED) || saidOpened) {
			return;
		}
		String warned;
		synchronized (this.warnings) {
			warned = this.warnings.isEmpty() ? "" : ": it said " + String.join("; ", this.warnings);
		}
		// A ready line printed before now said not opened too: nothing to correct.
		this.onRefused.refused("it did not say it opened the cache before the application started" + warned, null);
	}

	/**
	 * Told of a refusal, once.
	 */
	@FunctionalInterface
	interface Refusals {

		/**
		 * The worker's JVM refused the cache it was given, or did not say it opened it.
		 * @param reason what the JVM said, or did not say
		 * @param readyLine what the worker's ready line said of the cache if it was
		 * printed before the refusal was read and said otherwise ({@code used}, or
		 * {@value AotCacheUse#NOT_OPENED} when the reader had not reached
		 * {@code Opened AOT cache}), else {@code null}
		 */
		void refused(String reason, @Nullable String readyLine);

	}

}
