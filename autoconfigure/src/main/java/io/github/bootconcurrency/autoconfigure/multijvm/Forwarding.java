package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * What a trusted upstream proxy says of the request it forwards: the client, the scheme,
 * the host and the port the client asked for, each {@code null} when it does not say.
 *
 * <p>
 * Only the headers that the trusted proxies set ({@link UpstreamHeaders}) are read: one
 * that a proxy passes on as its client sent it would let the client name itself. They are
 * read as a chain of proxies appends them: the client is the rightmost address of
 * {@code Forwarded: for=} (or of {@code X-Forwarded-For}) that is not itself trusted, as
 * Tomcat's {@code RemoteIpValve} reads it, so that a client cannot name itself by sending
 * the header to a proxy that appends to it. The scheme, host and port are the rightmost
 * ones: those the nearest proxy set; of {@code Forwarded}, those of its last element.
 * Values that are not an address, {@code http} or {@code https}, a host or a port are
 * ignored, so that what is passed on is always well formed.
 *
 * @param client the client's address
 * @param scheme {@code http} or {@code https}
 * @param host the host, with a port if the proxy gave one
 * @param port the port
 */
public record Forwarding(@Nullable InetAddress client, @Nullable String scheme, @Nullable String host,
		@Nullable Integer port) {

	/**
	 * Every forwarding header that a server, Spring Framework or a library may read: all
	 * of them are dropped from a request that a trusted proxy did not send, and replaced
	 * by a clean set from one that it did.
	 */
	public static final List<String> HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Proto",
			"X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Server", "X-Forwarded-Prefix", "X-Forwarded-Ssl",
			"X-Forwarded-Protocol", "X-Forwarded-Scheme", "X-Url-Scheme", "X-Proxied-Https", "Front-End-Https",
			"X-Real-IP", "X-Client-IP", "True-Client-IP", "Proxy-Ssl-Id", "Proxy-Auth-Cert");

	private static final Pattern HOST = Pattern
		.compile("[A-Za-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?");

	private static final Pattern PORT = Pattern.compile("\\d{1,5}");

	/**
	 * Read what a trusted proxy forwards, from the headers it sets only.
	 * @param headers the values of a header, by name (case-insensitive), empty if absent
	 * @param trusted the addresses trusted to set forwarding headers
	 * @param sets the headers the trusted proxies set
	 * @return what the request's headers say
	 */
	public static Forwarding read(Function<String, List<String>> headers, ForwardedAllowIps trusted,
			UpstreamHeaders sets) {
		if (sets.forwarded()) {
			List<String> fors = new ArrayList<>();
			Map<String, String> nearest = Map.of();
			for (String element : split(headers.apply("Forwarded"), ',')) {
				nearest = new LinkedHashMap<>();
				for (String pair : split(List.of(element), ';')) {
					int equals = pair.indexOf('=');
					if (equals > 0) {
						nearest.put(pair.substring(0, equals).trim().toLowerCase(Locale.ROOT),
								unquote(pair.substring(equals + 1).trim()));
					}
				}
				if (nearest.containsKey("for")) {
					fors.add(nearest.get("for"));
				}
			}
			// The scheme and host are those of the nearest proxy's element: one that
			// says neither leaves them as they are, whatever an element its client
			// sent says.
			return of(client(fors, trusted), nearest.get("proto"), nearest.get("host"), null);
		}
		return of(sets.sets("X-Forwarded-For") ? client(split(headers.apply("X-Forwarded-For"), ','), trusted) : null,
				sets.sets("X-Forwarded-Proto") ? last(split(headers.apply("X-Forwarded-Proto"), ',')) : null,
				sets.sets("X-Forwarded-Host") ? last(split(headers.apply("X-Forwarded-Host"), ',')) : null,
				sets.sets("X-Forwarded-Port") ? last(split(headers.apply("X-Forwarded-Port"), ',')) : null);
	}

	private static Forwarding of(@Nullable InetAddress client, @Nullable String scheme, @Nullable String host,
			@Nullable String port) {
		String checkedScheme = (scheme != null) ? scheme.toLowerCase(Locale.ROOT) : null;
		if (!"http".equals(checkedScheme) && !"https".equals(checkedScheme)) {
			checkedScheme = null;
		}
		String checkedHost = (host != null && HOST.matcher(host).matches()) ? host : null;
		Integer checkedPort = null;
		if (port != null && PORT.matcher(port).matches() && Integer.parseInt(port) <= 65535) {
			checkedPort = Integer.parseInt(port);
		}
		return new Forwarding(client, checkedScheme, checkedHost, checkedPort);
	}

	/**
	 * The rightmost node that is not trusted, or the leftmost if all are: the client.
	 */
	private static @Nullable InetAddress client(List<String> nodes, ForwardedAllowIps trusted) {
		for (int i = nodes.size() - 1; i >= 0; i--) {
			InetAddress address = ForwardedAllowIps.literal(withoutPort(nodes.get(i)));
			if (address == null) {
				// An obfuscated or unknown node: the client is not known.
				return null;
			}
			if (i == 0 || !trusted.allows(address)) {
				return address;
			}
		}
		return null;
	}

	private static String withoutPort(String node) {
		if (node.startsWith("[")) {
			int end = node.indexOf(']');
			return (end > 0) ? node.substring(0, end + 1) : node;
		}
		int colon = node.indexOf(':');
		// One colon is IPv4 with a port; more is IPv6 without brackets, and no port.
		return (colon > 0 && colon == node.lastIndexOf(':')) ? node.substring(0, colon) : node;
	}

	private static @Nullable String last(List<String> values) {
		return values.isEmpty() ? null : values.get(values.size() - 1);
	}

	/**
	 * Split header values on a separator that is not inside quotes, trimming each part
	 * and dropping empty ones.
	 */
	private static List<String> split(List<String> values, char separator) {
		List<String> parts = new ArrayList<>();
		for (String value : values) {
			boolean quoted = false;
			int start = 0;
			for (int i = 0; i <= value.length(); i++) {
				if (i == value.length() || (value.charAt(i) == separator && !quoted)) {
					String part = value.substring(start, i).trim();
					if (!part.isEmpty()) {
						parts.add(part);
					}
					start = i + 1;
				}
				else if (value.charAt(i) == '"') {
					quoted = !quoted;
				}
			}
		}
		return parts;
	}

	private static String unquote(String value) {
		return (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\""))
				? value.substring(1, value.length() - 1) : value;
	}

	/**
	 * Return this forwarding as the one set of headers a server's own forwarding support
	 * reads: {@code X-Forwarded-For}, {@code -Proto}, {@code -Host} (without a port) and
	 * {@code -Port}, each only when known, the port being the scheme's own when only the
	 * scheme is.
	 * @return the headers, by name
	 */
	public Map<String, String> asXForwardedHeaders() {
		Map<String, String> headers = new LinkedHashMap<>();
		if (this.client != null) {
			headers.put("X-Forwarded-For", this.client.getHostAddress());
		}
		if (this.scheme != null) {
			headers.put("X-Forwarded-Proto", this.scheme);
		}
		Integer hostPort = null;
		if (this.host != null) {
			int colon = this.host.lastIndexOf(':');
			boolean hasPort = colon > 0 && (!this.host.startsWith("[") || this.host.charAt(colon - 1) == ']');
			headers.put("X-Forwarded-Host", hasPort ? this.host.substring(0, colon) : this.host);
			hostPort = hasPort ? Integer.valueOf(this.host.substring(colon + 1)) : null;
		}
		Integer forwardedPort = (this.port != null) ? this.port : hostPort;
		if (forwardedPort == null && this.scheme != null) {
			// A scheme without a port: the scheme's own, as Tomcat's RemoteIpValve and
			// Spring Framework read it, where Jetty would keep the port of the
			// connection.
			forwardedPort = this.scheme.equals("https") ? 443 : 80;
		}
		if (forwardedPort != null) {
			headers.put("X-Forwarded-Port", forwardedPort.toString());
		}
		return headers;
	}

	/**
	 * Return the host to forward: the host the proxy gave, or the request's own, with the
	 * port the proxy gave when the host has none.
	 * @param requestHost the request's Host header, or {@code null}
	 * @return the host, or {@code null} if the proxy said neither host nor port
	 */
	public @Nullable String hostWithPort(@Nullable String requestHost) {
		if (this.host == null && this.port == null) {
			return null;
		}
		String base = (this.host != null) ? this.host : requestHost;
		if (base == null) {
			return null;
		}
		if (this.port == null) {
			return base;
		}
		boolean hasPort = base.startsWith("[") ? base.indexOf("]:") > 0 : base.indexOf(':') > 0;
		if (hasPort) {
			base = base.substring(0, base.lastIndexOf(':'));
		}
		return base + ":" + this.port;
	}

}
