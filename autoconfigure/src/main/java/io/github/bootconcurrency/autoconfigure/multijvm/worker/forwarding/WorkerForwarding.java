package io.github.bootconcurrency.autoconfigure.multijvm.worker.forwarding;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.github.bootconcurrency.autoconfigure.multijvm.ForwardedAllowIps;
import io.github.bootconcurrency.autoconfigure.multijvm.Forwarding;
import io.github.bootconcurrency.autoconfigure.multijvm.ForwardingSecret;
import io.github.bootconcurrency.autoconfigure.multijvm.UpstreamHeaders;
import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Whom a worker believes a request's forwarding headers from, and what it keeps of them:
 * every forwarding header is dropped, and one clean set put back for the server's own
 * forwarding support to apply. Behind the proxy, the set the master's proxy made, from a
 * request that carries the master's secret only ({@link ForwardingSecret}): any local
 * process can reach a worker's port. Under shared-socket, where clients reach the worker
 * directly, what {@link Forwarding} reads from an address in
 * {@code concurrency.multi-jvm.forwarded-allow-ips}, as the master checked and passed it
 * on.
 */
public final class WorkerForwarding {

	/**
	 * Every header dropped from a request before the application sees it.
	 */
	static final List<String> DROPPED;

	static {
		List<String> dropped = new ArrayList<>(Forwarding.HEADERS);
		dropped.add(ForwardingSecret.HEADER);
		DROPPED = List.copyOf(dropped);
	}

	/**
	 * The headers that the master's proxy sets, from a clean slate (Undertow's).
	 */
	private static final List<String> PROXY_SET = List.of("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
			"X-Forwarded-Port", "X-Forwarded-Server");

	private final ForwardedAllowIps trusted;

	private final UpstreamHeaders upstreamHeaders;

	private final @Nullable ForwardingSecret secret;

	WorkerForwarding(ForwardedAllowIps trusted, UpstreamHeaders upstreamHeaders, @Nullable ForwardingSecret secret) {
		this.trusted = trusted;
		this.upstreamHeaders = upstreamHeaders;
		this.secret = secret;
	}

	/**
	 * Return the forwarding of a worker: behind the proxy, from the master's secret, and
	 * under shared-socket from the settings the master passed on.
	 * @param worker the worker
	 * @param environment its environment
	 * @return the forwarding
	 */
	public static WorkerForwarding of(WorkerEnvironment worker, Environment environment) {
		if (!worker.inheritChannel()) {
			return new WorkerForwarding(ForwardedAllowIps.of(List.of()), UpstreamHeaders.defaults(),
					ForwardingSecret.of(worker.forwardingSecret()));
		}
		Binder binder = Binder.get(environment);
		return new WorkerForwarding(
				ForwardedAllowIps
					.of(binder.bind("concurrency.multi-jvm.forwarded-allow-ips", Bindable.listOf(String.class))
						.orElse(List.of())),
				UpstreamHeaders.of(binder.bind("concurrency.multi-jvm.forwarded-headers", Bindable.listOf(String.class))
					.orElse(UpstreamHeaders.DEFAULT)),
				null);
	}

	/**
	 * Whether a request may have its forwarding headers honoured at all: the server's
	 * forwarding support is needed.
	 * @return whether it may
	 */
	public boolean honoursAny() {
		return this.secret != null || !this.trusted.isNone();
	}

	/**
	 * Return the clean set to put back once every header of {@link #DROPPED} is gone.
	 * @param remoteAddress the address of the connection's peer
	 * @param headers the values of a header of the request, by name (case-insensitive),
	 * empty if absent
	 * @return the headers, by name, empty if none is honoured
	 */
	Map<String, String> cleanSet(String remoteAddress, Function<String, List<String>> headers) {
		if (this.secret != null) {
			List<String> presented = headers.apply(ForwardingSecret.HEADER);
			if (presented.size() != 1 || !this.secret.matches(presented.get(0))) {
				return Map.of();
			}
			Map<String, String> set = new LinkedHashMap<>();
			for (String name : PROXY_SET) {
				List<String> values = headers.apply(name);
				if (!values.isEmpty()) {
					set.put(name, String.join(", ", values));
				}
			}
			return set;
		}
		if (this.trusted.allows(ForwardedAllowIps.literal(remoteAddress))) {
			return Forwarding.read(headers, this.trusted, this.upstreamHeaders).asXForwardedHeaders();
		}
		return Map.of();
	}

}
