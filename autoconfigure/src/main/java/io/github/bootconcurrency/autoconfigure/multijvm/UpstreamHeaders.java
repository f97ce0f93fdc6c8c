package io.github.bootconcurrency.autoconfigure.multijvm;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The forwarding headers that the upstream proxies of
 * {@code concurrency.multi-jvm.forwarded-allow-ips} set
 * ({@code concurrency.multi-jvm.forwarded-headers}), and which alone are read from them.
 *
 * <p>
 * A load balancer sets some headers and passes on the others as its client sent them:
 * nginx, HAProxy and cloud load balancers append to {@code X-Forwarded-For} and set
 * {@code X-Forwarded-Proto}, but pass a client's {@code Forwarded} and
 * {@code X-Forwarded-Host} through untouched. Reading a header the balancer does not set
 * would believe the client, so only those named are read, by default
 * {@code X-Forwarded-For} and {@code X-Forwarded-Proto}, as Tomcat's
 * {@code RemoteIpValve} does. {@code Forwarded} stands alone, as in Jetty's
 * {@code forwardedOnly} mode: a balancer that sets it is read by it only, and the
 * {@code X-Forwarded-*} headers its client sent are not.
 */
public final class UpstreamHeaders {

	/**
	 * The values of the setting, as users write them.
	 */
	public static final List<String> VALUES = List.of("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
			"x-forwarded-port", "forwarded");

	/**
	 * What the setting may be, in the words of a startup error.
	 */
	public static final String ALLOWED = "any of x-forwarded-for, x-forwarded-proto, x-forwarded-host and "
			+ "x-forwarded-port, separated by commas, or forwarded alone";

	/**
	 * The default: {@code X-Forwarded-For} and {@code X-Forwarded-Proto}.
	 */
	public static final List<String> DEFAULT = List.of("x-forwarded-for", "x-forwarded-proto");

	private static final String FORWARDED = "forwarded";

	private final Set<String> names;

	private UpstreamHeaders(Set<String> names) {
		this.names = names;
	}

	/**
	 * Return the headers of a setting's values.
	 * @param values the values, in any case, blank ones ignored
	 * @return the headers
	 * @throws IllegalArgumentException with the value that is not allowed as its message:
	 * an unknown one, {@code forwarded} with another, or none at all
	 */
	public static UpstreamHeaders of(Collection<String> values) {
		Set<String> names = new LinkedHashSet<>();
		for (String value : (values != null) ? values : List.<String>of()) {
			String name = (value != null) ? value.trim().toLowerCase(Locale.ROOT) : "";
			if (name.isEmpty()) {
				continue;
			}
			if (!VALUES.contains(name)) {
				throw new IllegalArgumentException(value.trim());
			}
			names.add(name);
		}
		if (names.isEmpty() || (names.contains(FORWARDED) && names.size() > 1)) {
			throw new IllegalArgumentException(String.join(",", (values != null) ? values : List.of()));
		}
		return new UpstreamHeaders(Set.copyOf(names));
	}

	/**
	 * Return the default headers.
	 * @return {@code X-Forwarded-For} and {@code X-Forwarded-Proto}
	 */
	public static UpstreamHeaders defaults() {
		return of(DEFAULT);
	}

	/**
	 * Whether the upstream sets {@code Forwarded}, and only it.
	 * @return whether it does
	 */
	public boolean forwarded() {
		return this.names.contains(FORWARDED);
	}

	/**
	 * Whether the upstream sets a header.
	 * @param name the header's name, in any case
	 * @return whether it does
	 */
	public boolean sets(String name) {
		return this.names.contains(name.toLowerCase(Locale.ROOT));
	}

	/**
	 * Return the setting's value that stands for these headers.
	 * @return the names, separated by commas
	 */
	@Override
	public String toString() {
		return String.join(",", VALUES.stream().filter(this.names::contains).toList());
	}

}
