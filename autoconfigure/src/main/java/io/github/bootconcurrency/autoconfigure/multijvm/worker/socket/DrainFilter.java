package io.github.bootconcurrency.autoconfigure.multijvm.worker.socket;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Tells the client of every response {@code Connection: close} once the worker's
 * {@link Drain} has begun: Tomcat and Jetty both close the connection after such a
 * response, and the client opens a new one, which a worker that still accepts takes.
 */
public final class DrainFilter implements Filter {

	private final Drain drain;

	/**
	 * Create a filter.
	 * @param drain the worker's drain
	 */
	public DrainFilter(Drain drain) {
		this.drain = drain;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (this.drain.begun() && response instanceof HttpServletResponse http) {
			http.setHeader("Connection", "close");
		}
		chain.doFilter(request, response);
		// A drain that began while this request ran.
		if (this.drain.begun() && !response.isCommitted() && response instanceof HttpServletResponse http) {
			http.setHeader("Connection", "close");
		}
	}

}
