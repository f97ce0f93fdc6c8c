package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.bootconcurrency.autoconfigure.multijvm.ForwardedAllowIps;
import io.github.bootconcurrency.autoconfigure.multijvm.Forwarding;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Jetty's end of a shared-socket worker's forwarding headers: clients reach the worker
 * directly, so this customizer, first on each connector, drops every forwarding header of
 * a request, and from an address in {@code concurrency.multi-jvm.forwarded-allow-ips}
 * puts back the one clean set that {@link Forwarding} reads from them, for the
 * {@link ForwardedRequestCustomizer} that follows it to apply.
 */
final class ForwardedHeadersCustomizer implements HttpConfiguration.Customizer {

	private final ForwardedAllowIps trusted;

	ForwardedHeadersCustomizer(ForwardedAllowIps trusted) {
		this.trusted = trusted;
	}

	@Override
	public Request customize(Request request, HttpFields.Mutable responseHeaders) {
		HttpFields headers = request.getHeaders();
		Map<String, String> forwarded = Map.of();
		if (this.trusted.allows(ForwardedAllowIps.literal(Request.getRemoteAddr(request)))) {
			forwarded = Forwarding.read(headers::getValuesList, this.trusted).asXForwardedHeaders();
		}
		else if (Forwarding.HEADERS.stream().noneMatch(headers::contains)) {
			return request;
		}
		HttpFields.Mutable clean = HttpFields.build(headers);
		Forwarding.HEADERS.forEach(clean::remove);
		forwarded.forEach(clean::put);
		HttpFields immutable = clean.asImmutable();
		return new Request.Wrapper(request) {

			@Override
			public HttpFields getHeaders() {
				return immutable;
			}

		};
	}

	/**
	 * Put this customizer first in a connector's configuration, with the customizer that
	 * applies the clean set after it, once.
	 * @param configuration the connector's configuration
	 */
	void addTo(HttpConfiguration configuration) {
		if (configuration.getCustomizer(ForwardedHeadersCustomizer.class) != null) {
			return;
		}
		List<HttpConfiguration.Customizer> customizers = new ArrayList<>();
		customizers.add(this);
		if (!this.trusted.isNone()) {
			customizers.add(new ForwardedRequestCustomizer());
		}
		configuration.getCustomizers()
			.stream()
			.filter((customizer) -> !(customizer instanceof ForwardedRequestCustomizer))
			.forEach(customizers::add);
		configuration.setCustomizers(customizers);
	}

}
