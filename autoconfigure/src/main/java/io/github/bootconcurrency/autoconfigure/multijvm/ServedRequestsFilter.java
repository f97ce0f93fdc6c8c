package io.github.bootconcurrency.autoconfigure.multijvm;

import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts the requests a worker serves, leaving out the master's own probes: a worker
 * that only answers them has served nobody, and must not reach {@code max-requests}.
 */
final class ServedRequestsFilter extends OncePerRequestFilter {

	/**
	 * Header the master sets on its liveness and readiness probes.
	 */
	static final String PROBE_HEADER = "X-Concurrency-Master-Probe";

	private final LongAdder served = new LongAdder();

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			chain.doFilter(request, response);
		}
		finally {
			if (request.getHeader(PROBE_HEADER) == null) {
				this.served.increment();
			}
		}
	}

	long served() {
		return this.served.sum();
	}

}
