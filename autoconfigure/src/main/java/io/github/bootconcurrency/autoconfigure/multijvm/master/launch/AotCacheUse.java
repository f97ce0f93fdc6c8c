package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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
 * opened and not refused by that line is used; one the JVM did not say it opened, by that
 * line or by the time the worker is ready, is not used: counted as a refusal, once.
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
	 * A line of the JVM's unified logging, with its decorations, or one the JVM or its
	 * launcher prints before it starts ({@code Picked up JAVA_TOOL_OPTIONS}, a VM
	 * warning): none of them is the application's.
	 */
	private static final Pattern JVM_LINE = Pattern.compile("^(\\[.*|(NOTE: )?Picked up \\S+: .*|.* VM warning: .*)$");

	private static final Pattern AOT_INFO = Pattern.compile("^\\[[^\\]]*\\]\\[info\\s*\\]\\[aot\\] .*");

	private static final Pattern AOT_WARNING = Pattern.compile("^\\[[^\\]]*\\]\\[warning\\s*\\]\\[aot\\] (.*)$");

	private static final String OPENED = "][aot] Opened AOT cache ";

	private final @Nullable AotCacheRefusal refusal;

	private final Consumer<String> onRefused;

	private final AtomicBoolean decided = new AtomicBoolean();

	private final List<String> warnings = new ArrayList<>();

	private volatile @Nullable String use;

	private volatile boolean opened;

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
	AotCacheUse(@Nullable String given, Consumer<String> onRefused) {
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
			if (this.decided.compareAndSet(false, true)) {
				this.use = REFUSED;
				this.onRefused.accept(refused.get());
			}
			return true;
		}
		if (line.contains(OPENED)) {
			this.opened = true;
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
	 * The worker is ready, on the master's loop: a cache its JVM has not said it opened
	 * by now is not used (its JVM says it before the application starts).
	 */
	void ready() {
		decide();
	}

	/**
	 * Return the worker's use of the cache, as its ready line says it.
	 * @return {@code used}, {@code refused}, {@value #NOT_OPENED}, {@code recording} or
	 * {@code none}, or empty if the master keeps no cache
	 */
	Optional<String> use() {
		return Optional.ofNullable(this.use);
	}

	private void decide() {
		if (!this.decided.compareAndSet(false, true)) {
			return;
		}
		if (this.opened) {
			return;
		}
		this.use = NOT_OPENED;
		String said;
		synchronized (this.warnings) {
			said = this.warnings.isEmpty() ? "" : ": it said " + String.join("; ", this.warnings);
		}
		this.onRefused.accept("it did not say it opened the cache before the application started" + said);
	}

}
