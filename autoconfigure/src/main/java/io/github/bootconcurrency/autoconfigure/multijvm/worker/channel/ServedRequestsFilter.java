package io.github.bootconcurrency.autoconfigure.multijvm.worker.channel;

import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts the requests a worker serves, for {@code max-requests}. The master sends no
 * request of its own (it hears from the worker over its control channel), so every
 * request counts, and no header can make one not count.
 */
public final class ServedRequestsFilter extends OncePerRequestFilter {

	private final LongAdder served = new LongAdder();

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			chain.doFilter(request, response);
		}
		finally {
			this.served.increment();
		}
	}

	long served() {
		return this.served.sum();
	}

}
