package io.github.bootconcurrency.autoconfigure.multijvm.protocol;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A master's request for one worker's metrics, on the worker's own socket in the master's
 * private directory: {@code <token> SCRAPE [name,name...]\n}, answered
 * {@link ControlProtocol#OK} and the worker's exposition, or
 * {@link ControlProtocol#DENIED}.
 *
 * @param token the worker's secret token, which proves the request comes from its master
 * @param names the only metric names to include, or empty for all
 */
public record ScrapeRequest(String token, Set<String> names) {

	private static final String COMMAND = "SCRAPE";

	/**
	 * Encode the request.
	 * @return the line, with its line feed
	 */
	public String encode() {
		return this.token + " " + COMMAND + (this.names.isEmpty() ? "" : " " + String.join(",", this.names)) + "\n";
	}

	/**
	 * Decode a request; the caller checks the token.
	 * @param line the line, without its line feed
	 * @return the request, or empty if the line is not one
	 */
	public static Optional<ScrapeRequest> decode(String line) {
		String[] words = line.split(" ");
		if (words.length < 2 || !COMMAND.equals(words[1])) {
			return Optional.empty();
		}
		Set<String> names = (words.length > 2) ? new LinkedHashSet<>(List.of(words[2].split(","))) : Set.of();
		return Optional.of(new ScrapeRequest(words[0], names));
	}

	@Override
	public String toString() {
		// The token stays out of logs.
		return "ScrapeRequest[names=" + this.names + "]";
	}

}
