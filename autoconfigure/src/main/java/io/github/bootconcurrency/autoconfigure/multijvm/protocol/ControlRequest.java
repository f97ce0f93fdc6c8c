package io.github.bootconcurrency.autoconfigure.multijvm.protocol;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A request of a worker to its master, over the master's control channel: the part of the
 * line after the worker's id and token ({@link ControlProtocol#frame}).
 *
 * <p>
 * Decoding is lenient where the protocol allows it to grow: fields a reader does not
 * know, after those it reads, are ignored, so that a field added later breaks no reader.
 */
public sealed interface ControlRequest {

	/**
	 * Return the request's command, its first word.
	 * @return the command
	 */
	String command();

	/**
	 * Encode the request as the command and its arguments.
	 * @return the text, without the worker's id and token
	 */
	String encode();

	/**
	 * Decode a request.
	 * @param request the command and its arguments, as {@link #encode()} wrote them
	 * @return the request
	 * @throws IllegalArgumentException if the command is unknown or its arguments cannot
	 * be read; the message says which, as the master answers it
	 */
	static ControlRequest decode(String request) {
		String[] words = request.split(" ");
		@Nullable ControlRequest decoded;
		try {
			decoded = switch (words[0]) {
				case Heartbeat.COMMAND -> Heartbeat.decode(words);
				case Status.COMMAND -> new Status();
				case Scale.COMMAND -> new Scale(Integer.parseInt(words[1]));
				case Reload.COMMAND -> new Reload();
				case Scrape.COMMAND -> new Scrape(Scrape.names((words.length > 1) ? words[1] : ""));
				default -> null;
			};
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("bad arguments for " + words[0], ex);
		}
		if (decoded == null) {
			throw new IllegalArgumentException("unknown command " + words[0]);
		}
		return decoded;
	}

	/**
	 * A worker's heartbeat, sent every second from a thread of its own: the worker is
	 * alive, says whether it is ready and on which port it serves, and reports its
	 * figures. On the wire {@code HEARTBEAT <ready 0|1> <port> <requests> <heap bytes>
	 * <deadlocked threads> [<heap after gc bytes> <max heap bytes> <collections> <stuck
	 * ms>]}: the fields after the first five may be missing (a worker older than them),
	 * the heap figures then read -1 and the stuck time 0.
	 *
	 * @param ready whether the application accepts traffic
	 * @param port the port the worker's server bound, 0 while it has none
	 * @param requests requests the worker served
	 * @param heapUsedBytes heap in use
	 * @param deadlockedThreads threads of the worker that the JVM found deadlocked
	 * @param heapAfterGcBytes heap in use after the last collection, -1 if not reported
	 * @param heapMaxBytes the worker's maximum heap, -1 if not reported
	 * @param collections collections the worker's JVM ran, -1 if not reported
	 * @param stuckMillis how long the oldest request that runs past the request timeout
	 * has run, 0 if none does
	 */
	record Heartbeat(boolean ready, int port, long requests, long heapUsedBytes, int deadlockedThreads,
			long heapAfterGcBytes, long heapMaxBytes, long collections, long stuckMillis) implements ControlRequest {

		static final String COMMAND = "HEARTBEAT";

		@Override
		public String command() {
			return COMMAND;
		}

		@Override
		public String encode() {
			return COMMAND + " " + (this.ready ? 1 : 0) + " " + this.port + " " + this.requests + " "
					+ this.heapUsedBytes + " " + this.deadlockedThreads + " " + this.heapAfterGcBytes + " "
					+ this.heapMaxBytes + " " + this.collections + " " + this.stuckMillis;
		}

		private static Heartbeat decode(String[] words) {
			return new Heartbeat("1".equals(words[1]), Integer.parseInt(words[2]), Long.parseLong(words[3]),
					Long.parseLong(words[4]), Integer.parseInt(words[5]), optional(words, 6), optional(words, 7),
					optional(words, 8), Math.max(0, optional(words, 9)));
		}

		private static long optional(String[] words, int index) {
			return (words.length > index) ? Long.parseLong(words[index]) : -1;
		}

	}

	/**
	 * Ask for the cluster view; the answer's lines are a {@link ClusterView}.
	 */
	record Status() implements ControlRequest {

		static final String COMMAND = "STATUS";

		@Override
		public String command() {
			return COMMAND;
		}

		@Override
		public String encode() {
			return COMMAND;
		}

	}

	/**
	 * Ask the master to run this many workers; answered once its loop took the request,
	 * with a line {@code target <workers>}, the count the master set.
	 *
	 * @param workers the count asked for
	 */
	record Scale(int workers) implements ControlRequest {

		static final String COMMAND = "SCALE";

		private static final String TARGET = "target ";

		@Override
		public String command() {
			return COMMAND;
		}

		@Override
		public String encode() {
			return COMMAND + " " + this.workers;
		}

		/**
		 * Return the answer's line that says the count the master set.
		 * @param target the count
		 * @return the line
		 */
		public static String answer(int target) {
			return TARGET + target;
		}

		/**
		 * Read the count the master set from its answer.
		 * @param lines the answer's lines after {@link ControlProtocol#OK}
		 * @return the count, or empty if the answer does not say (a master older than the
		 * line)
		 * @throws IllegalArgumentException with the line as message, if it cannot be read
		 */
		public static OptionalInt target(List<String> lines) {
			for (String line : lines) {
				if (line.startsWith(TARGET)) {
					try {
						return OptionalInt.of(Integer.parseInt(line.substring(TARGET.length()).trim()));
					}
					catch (NumberFormatException ex) {
						throw new IllegalArgumentException(line, ex);
					}
				}
			}
			return OptionalInt.empty();
		}

	}

	/**
	 * Ask for a rolling restart of every worker, as SIGHUP does; answered once the
	 * master's loop took the request.
	 */
	record Reload() implements ControlRequest {

		static final String COMMAND = "RELOAD";

		@Override
		public String command() {
			return COMMAND;
		}

		@Override
		public String encode() {
			return COMMAND;
		}

	}

	/**
	 * Ask for the metrics of every worker and of the master, as one exposition; on the
	 * wire {@code SCRAPE [name,name...]}.
	 *
	 * @param names the only metric names to include, or empty for all
	 */
	record Scrape(Set<String> names) implements ControlRequest {

		static final String COMMAND = "SCRAPE";

		private static final Pattern METRIC_NAMES = Pattern
			.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(,[a-zA-Z_:][a-zA-Z0-9_:]*)*");

		@Override
		public String command() {
			return COMMAND;
		}

		@Override
		public String encode() {
			return this.names.isEmpty() ? COMMAND : COMMAND + " " + String.join(",", this.names);
		}

		private static Set<String> names(String names) {
			if (names.isEmpty()) {
				return Set.of();
			}
			if (!METRIC_NAMES.matcher(names).matches()) {
				throw new IllegalArgumentException("Not metric names");
			}
			return new LinkedHashSet<>(List.of(names.split(",")));
		}

	}

}
