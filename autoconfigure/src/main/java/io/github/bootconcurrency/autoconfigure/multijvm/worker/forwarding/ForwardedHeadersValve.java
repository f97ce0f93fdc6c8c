package io.github.bootconcurrency.autoconfigure.multijvm.worker.forwarding;

import java.io.IOException;
import java.util.Collections;
import java.util.Map;

import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.RemoteIpValve;
import org.apache.catalina.valves.ValveBase;
import org.apache.tomcat.util.http.MimeHeaders;

/**
 * Tomcat's end of a worker's forwarding headers: this valve, first in the engine, drops
 * every forwarding header of a request, and puts back the one clean set that
 * {@link WorkerForwarding} honours, for the {@link RemoteIpValve} that follows it to
 * apply.
 */
public final class ForwardedHeadersValve extends ValveBase {

	private final WorkerForwarding forwarding;

	/**
	 * Create a valve.
	 * @param forwarding the forwarding headers the worker honours
	 */
	public ForwardedHeadersValve(WorkerForwarding forwarding) {
		super(true);
		this.forwarding = forwarding;
	}

	@Override
	public void invoke(Request request, Response response) throws IOException, ServletException {
		MimeHeaders headers = request.getCoyoteRequest().getMimeHeaders();
		Map<String, String> forwarded = this.forwarding.cleanSet(request.getRemoteAddr(),
				(name) -> Collections.list(headers.values(name)));
		for (String name : WorkerForwarding.DROPPED) {
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
	public static RemoteIpValve remoteIpValve() {
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
