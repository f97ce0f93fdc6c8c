package io.github.bootconcurrency.autoconfigure.multijvm.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The line protocol of a multi-jvm master's control channel, and of the sockets on which
 * the master scrapes its workers.
 *
 * <p>
 * A request is one line of at most {@link #MAX_LINE} bytes, {@code <worker id> <token>
 * <command> [arguments]\n} ({@link ControlRequest}); a scrape of a worker is
 * {@code <token> SCRAPE [names]\n} ({@link ScrapeRequest}). The answer's first line is
 * {@link #OK}, {@link #DENIED} or {@code ERROR <why>}, then come the answer's lines, then
 * the connection closes.
 *
 * <p>
 * The format has a {@link #VERSION}. After a reload with a new jar, a running master
 * launches workers of the new version, so the master tells each worker its own version
 * ({@link #VERSION_PROPERTY}) and a worker that speaks another one fails at boot
 * ({@link ControlProtocolMismatchException}).
 */
public final class ControlProtocol {

	/**
	 * The version of the protocol this build speaks. Version 1 is the format masters and
	 * workers spoke before the version was declared, so a master that sets no version
	 * speaks it. A change that an older reader cannot read takes a new version.
	 */
	public static final int VERSION = 1;

	/**
	 * System property in which a master tells a worker the version it speaks.
	 */
	public static final String VERSION_PROPERTY = "CONCURRENCY_WORKER_PROTOCOL";

	/**
	 * Longest request line, in bytes: a request is a few words, and a peer that sends an
	 * endless line must not fill the reader's heap.
	 */
	public static final int MAX_LINE = 512;

	/**
	 * First line of an answer to a request that was done.
	 */
	public static final String OK = "OK";

	/**
	 * Answer to a request from a peer that is not who it says.
	 */
	public static final String DENIED = "DENIED";

	private ControlProtocol() {
	}

	/**
	 * Return the first line of an answer to a request that failed.
	 * @param why what went wrong
	 * @return the line
	 */
	public static String error(String why) {
		return "ERROR " + why;
	}

	/**
	 * Return a request as a worker sends it to its master.
	 * @param workerId the worker's id
	 * @param token the worker's secret token
	 * @param request the request
	 * @return the line, with its line feed
	 */
	public static String frame(int workerId, String token, ControlRequest request) {
		return workerId + " " + token + " " + request.encode() + "\n";
	}

	/**
	 * Check that a worker's master speaks this worker's protocol.
	 * @param mastersVersion the version the master set, {@code null} if it set none
	 * (version 1)
	 * @throws ControlProtocolMismatchException if the master speaks another version
	 */
	public static void checkMaster(@Nullable String mastersVersion) {
		String version = (mastersVersion != null) ? mastersVersion.strip() : "1";
		if (!version.equals(Integer.toString(VERSION))) {
			throw new ControlProtocolMismatchException(VERSION, version);
		}
	}

	/**
	 * Read one line, at most {@link #MAX_LINE} bytes.
	 * @param in where it comes from
	 * @return the line without its line feed, or {@code null} if it is too long
	 * @throws IOException if it cannot be read
	 */
	public static @Nullable String readLine(InputStream in) throws IOException {
		byte[] line = new byte[MAX_LINE];
		int length = 0;
		for (int next = in.read(); next != -1 && next != '\n'; next = in.read()) {
			if (length == MAX_LINE) {
				return null;
			}
			line[length++] = (byte) next;
		}
		return new String(line, 0, length, StandardCharsets.UTF_8);
	}

	/**
	 * A request line as the master reads it before it knows who sent it: the worker's
	 * token is checked before the request is decoded.
	 *
	 * @param workerId the id of the worker the request says it comes from
	 * @param token the token it carries
	 * @param request the command and its arguments, for {@link ControlRequest#decode}
	 */
	public record Frame(int workerId, String token, String request) {

		@Override
		public String toString() {
			// The token stays out of logs.
			return "Frame[workerId=" + this.workerId + ", request=" + this.request + "]";
		}

		/**
		 * Read a request line.
		 * @param line the line, {@code null} if it was too long
		 * @return the frame, or empty if the line is not one
		 */
		public static Optional<Frame> parse(@Nullable String line) {
			String[] words = (line != null) ? line.trim().split(" ") : new String[0];
			if (words.length < 3 || !isNumber(words[0])) {
				return Optional.empty();
			}
			String request = String.join(" ", Arrays.asList(words).subList(2, words.length));
			return Optional.of(new Frame(Integer.parseInt(words[0]), words[1], request));
		}

		private static boolean isNumber(String word) {
			return !word.isEmpty() && word.length() < 10 && word.chars().allMatch(Character::isDigit);
		}

	}

}
