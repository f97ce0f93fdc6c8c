package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import java.net.InetSocketAddress;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.multijvm.ForwardedAllowIps;
import io.github.bootconcurrency.autoconfigure.multijvm.Forwarding;
import io.github.bootconcurrency.autoconfigure.multijvm.ForwardingSecret;
import io.github.bootconcurrency.autoconfigure.multijvm.UpstreamHeaders;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import org.jspecify.annotations.Nullable;

/**
 * The proxy's handling of forwarding headers: the workers trust them from the master, so
 * the master lets none through that a client sent.
 *
 * <p>
 * Every forwarding header of a request is dropped, and Undertow's proxy then sets
 * {@code X-Forwarded-For/-Proto/-Host/-Port} from the exchange: the client's address, the
 * scheme and the Host header. From an address in
 * {@code concurrency.multi-jvm.forwarded-allow-ips}, such as a load balancer that ends
 * TLS, what the headers say is first moved onto the exchange (its source address, its
 * scheme, its Host header), so that the proxy forwards the real client and scheme in the
 * same clean set. Only the headers that upstream sets are read
 * ({@code concurrency.multi-jvm.forwarded-headers}): it passes on the others as its own
 * client sent them. The decision rests on the connection's peer, never on the exchange's
 * source address, which this class changes.
 *
 * <p>
 * Last, the master's secret is added, which the workers ask of a request before they
 * honour its forwarding headers ({@link ForwardingSecret}), and without which a local
 * process could set them by connecting to a worker's port.
 */
final class ForwardedHeaders {

	private static final List<HttpString> NAMES = Forwarding.HEADERS.stream().map(HttpString::new).toList();

	private static final HttpString SECRET = new HttpString(ForwardingSecret.HEADER);

	private final ForwardedAllowIps trusted;

	private final UpstreamHeaders upstreamHeaders;

	private final @Nullable ForwardingSecret secret;

	/**
	 * Create the handling of a master's forwarding headers.
	 * @param trusted the addresses trusted to set forwarding headers
	 * @param upstreamHeaders the headers they set
	 * @param secret the secret to add, or {@code null} for none
	 */
	ForwardedHeaders(ForwardedAllowIps trusted, UpstreamHeaders upstreamHeaders, @Nullable ForwardingSecret secret) {
		this.trusted = trusted;
		this.upstreamHeaders = upstreamHeaders;
		this.secret = secret;
	}

	/**
	 * Replace the forwarding headers of a request by what the proxy will set.
	 * @param exchange the request, before it is proxied
	 */
	void apply(HttpServerExchange exchange) {
		HeaderMap headers = exchange.getRequestHeaders();
		InetSocketAddress peer = exchange.getConnection().getPeerAddress(InetSocketAddress.class);
		if (peer != null && this.trusted.allows(peer.getAddress())) {
			Forwarding forwarding = Forwarding.read((name) -> values(headers, name), this.trusted,
					this.upstreamHeaders);
			if (forwarding.client() != null) {
				exchange.setSourceAddress(new InetSocketAddress(forwarding.client(), 0));
			}
			if (forwarding.scheme() != null) {
				exchange.setRequestScheme(forwarding.scheme());
			}
			String host = forwarding.hostWithPort(headers.getFirst(Headers.HOST));
			if (host == null && forwarding.scheme() != null) {
				// A scheme forwarded without a port: the client used the scheme's own, as
				// Tomcat's RemoteIpValve and Spring Framework read it, not the master's.
				host = withoutPort(headers.getFirst(Headers.HOST));
			}
			if (host != null) {
				headers.put(Headers.HOST, host);
			}
		}
		for (HttpString name : NAMES) {
			headers.remove(name);
		}
		headers.remove(SECRET);
		if (this.secret != null) {
			headers.put(SECRET, this.secret.value());
		}
	}

	private static @Nullable String withoutPort(@Nullable String host) {
		if (host == null) {
			return null;
		}
		int colon = host.lastIndexOf(':');
		boolean hasPort = colon > 0 && (!host.startsWith("[") || host.charAt(colon - 1) == ']');
		return hasPort ? host.substring(0, colon) : host;
	}

	private static List<String> values(HeaderMap headers, String name) {
		HeaderValues values = headers.get(name);
		return (values != null) ? List.copyOf(values) : List.of();
	}

}
