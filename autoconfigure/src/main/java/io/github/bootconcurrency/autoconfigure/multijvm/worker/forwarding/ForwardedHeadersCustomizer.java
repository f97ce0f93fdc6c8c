package io.github.bootconcurrency.autoconfigure.multijvm.worker.forwarding;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Jetty's end of a worker's forwarding headers: this customizer, first on each connector,
 * drops every forwarding header of a request, and puts back the one clean set that
 * {@link WorkerForwarding} honours, for the {@link ForwardedRequestCustomizer} that
 * follows it to apply.
 */
public final class ForwardedHeadersCustomizer implements HttpConfiguration.Customizer {

	private final WorkerForwarding forwarding;

	/**
	 * Create a customizer.
	 * @param forwarding the forwarding headers the worker honours
	 */
	public ForwardedHeadersCustomizer(WorkerForwarding forwarding) {
		this.forwarding = forwarding;
	}

	@Override
	public Request customize(Request request, HttpFields.Mutable responseHeaders) {
		HttpFields headers = request.getHeaders();
		Map<String, String> forwarded = this.forwarding.cleanSet(Request.getRemoteAddr(request),
				headers::getValuesList);
		if (forwarded.isEmpty() && WorkerForwarding.DROPPED.stream().noneMatch(headers::contains)) {
			return request;
		}
		HttpFields.Mutable clean = HttpFields.build(headers);
		WorkerForwarding.DROPPED.forEach(clean::remove);
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
	public void addTo(HttpConfiguration configuration) {
		if (configuration.getCustomizer(ForwardedHeadersCustomizer.class) != null) {
			return;
		}
		List<HttpConfiguration.Customizer> customizers = new ArrayList<>();
		customizers.add(this);
		if (this.forwarding.honoursAny()) {
			customizers.add(new ForwardedRequestCustomizer());
		}
		configuration.getCustomizers()
			.stream()
			.filter((customizer) -> !(customizer instanceof ForwardedRequestCustomizer))
			.forEach(customizers::add);
		configuration.setCustomizers(customizers);
	}

}
