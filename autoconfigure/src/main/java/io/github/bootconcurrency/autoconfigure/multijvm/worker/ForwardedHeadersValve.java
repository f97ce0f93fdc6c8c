package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import java.io.IOException;
import java.util.Collections;
import java.util.Map;

import io.github.bootconcurrency.autoconfigure.multijvm.ForwardedAllowIps;
import io.github.bootconcurrency.autoconfigure.multijvm.Forwarding;
import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.RemoteIpValve;
import org.apache.catalina.valves.ValveBase;
import org.apache.tomcat.util.http.MimeHeaders;

/**
 * Tomcat's end of a shared-socket worker's forwarding headers: clients reach the worker
 * directly, so this valve, first in the engine, drops every forwarding header of a
 * request, and from an address in {@code concurrency.multi-jvm.forwarded-allow-ips} puts
 * back the one clean set that {@link Forwarding} reads from them, for the
 * {@link RemoteIpValve} that follows it to apply.
 */
final class ForwardedHeadersValve extends ValveBase {

	private final ForwardedAllowIps trusted;

	ForwardedHeadersValve(ForwardedAllowIps trusted) {
		super(true);
		this.trusted = trusted;
	}

	@Override
	public void invoke(Request request, Response response) throws IOException, ServletException {
		MimeHeaders headers = request.getCoyoteRequest().getMimeHeaders();
		Map<String, String> forwarded = Map.of();
		if (this.trusted.allows(ForwardedAllowIps.literal(request.getRemoteAddr()))) {
			forwarded = Forwarding.read((name) -> Collections.list(headers.values(name)), this.trusted)
				.asXForwardedHeaders();
		}
		for (String name : Forwarding.HEADERS) {
			headers.removeHeader(name);
		}
		forwarded.forEach((name, value) -> headers.addValue(name).setString(value));
		getNext().invoke(request, response);
	}

	/**
	 * Return the valve that applies the clean set: every address may set it, since this
	 * valve has already dropped what an untrusted one sent.
	 * @return the valve
	 */
	static RemoteIpValve remoteIpValve() {
		RemoteIpValve valve = new RemoteIpValve();
		valve.setInternalProxies(".*");
		valve.setTrustedProxies(null);
		valve.setRemoteIpHeader("X-Forwarded-For");
		valve.setProtocolHeader("X-Forwarded-Proto");
		valve.setHostHeader("X-Forwarded-Host");
		valve.setPortHeader("X-Forwarded-Port");
		return valve;
	}

}
