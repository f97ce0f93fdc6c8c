package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells from a worker's first lines whether its JVM refused the AOT cache it was given. A
 * refused cache does not fail the JVM (unless {@code -XX:AOTMode=on}, which the master
 * never sets): it boots without it, slower, after printing, as Java 25 does, its reason
 * as a warning, then the same few errors whatever the reason, the last of them
 * {@code Unable to map shared spaces}. One per worker, fed every line the worker prints
 * until it answers; it stops looking after {@value #MAX_LINES} lines, since the JVM says
 * it before the application's first line.
 */
public final class AotCacheRefusal {

	static final int MAX_LINES = 200;

	/**
	 * A warning or error of the {@code aot} tag with the JVM's default decorations
	 * ({@code [0.004s][warning][aot] …}); the level is padded to the widest level of the
	 * lines printed so far ({@code [error  ]} after a warning).
	 */
	private static final Pattern AOT_LINE = Pattern.compile("\\[(warning|error)\\s*\\]\\[aot\\] (.+)$");

	private static final String REFUSED = "Unable to map shared spaces";

	/**
	 * Errors printed whatever the reason: the warnings before them, and the error about
	 * class paths, say what it was.
	 */
	private static final Set<String> GENERIC = Set.of(
			"An error has occurred while processing the AOT cache. Run with -Xlog:aot for details.",
			"Loading static archive failed.", REFUSED);

	private final List<String> reasons = new ArrayList<>();

	private int lines;

	private boolean done;

	/**
	 * Read one line of the worker's output.
	 * @param line the line, as the worker printed it
	 * @return why the cache was refused, once the refusal is complete, else empty; empty
	 * for every later line
	 */
	public Optional<String> accept(String line) {
		if (this.done) {
			return Optional.empty();
		}
		if (++this.lines > MAX_LINES) {
			this.done = true;
			return Optional.empty();
		}
		Matcher aot = AOT_LINE.matcher(line);
		if (!aot.find()) {
			return Optional.empty();
		}
		String message = aot.group(2).trim();
		if (!message.equals(REFUSED)) {
			if (!GENERIC.contains(message) && !message.startsWith("Skipping ")) {
				this.reasons.add(message);
			}
			return Optional.empty();
		}
		this.done = true;
		return Optional.of(this.reasons.isEmpty() ? "the JVM could not map it" : String.join("; ", this.reasons));
	}

}
