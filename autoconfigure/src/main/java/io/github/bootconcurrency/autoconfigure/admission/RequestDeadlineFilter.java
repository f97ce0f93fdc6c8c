package io.github.bootconcurrency.autoconfigure.admission;

import java.io.IOException;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.github.bootconcurrency.autoconfigure.admission.RequestDeadlines.Deadline;
import io.github.bootconcurrency.autoconfigure.validation.SettingsChecks;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request a deadline ({@link RequestDeadlines}) and answers one that ran past
 * it with {@code 503 Service Unavailable} and a {@code Retry-After} header, if nothing of
 * its response was sent yet; otherwise the response is left as the application made it.
 *
 * <p>
 * It runs just inside the {@link RequestGateFilter}, so the request's slot at the gate is
 * released only once the request has ended, interrupted or not. A request that goes async
 * hands the rest of its deadline to the servlet container as its async timeout (or keeps
 * a shorter one the application set), so that {@code DeferredResult} and {@code Callable}
 * handlers end at the same deadline, through Spring MVC's own timeout handling, which
 * answers {@code 503}; this filter adds the {@code Retry-After}.
 */
public class RequestDeadlineFilter extends OncePerRequestFilter {

	private static final String DEADLINE_ATTRIBUTE = RequestDeadlineFilter.class.getName() + ".deadline";

	private final RequestDeadlines deadlines;

	private final String retryAfterSeconds;

	/**
	 * Create a filter.
	 * @param deadlines the deadlines
	 */
	public RequestDeadlineFilter(RequestDeadlines deadlines) {
		this.deadlines = deadlines;
		long millis = deadlines.isEnabled() ? deadlines.getTimeout().toMillis() : 0;
		this.retryAfterSeconds = Long.toString(Math.max(1, (millis + 999) / 1000));
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!this.deadlines.isEnabled()) {
			chain.doFilter(request, response);
			return;
		}
		if (isAsyncDispatch(request)) {
			afterDeadline(request, response, chain);
			return;
		}
		Deadline deadline = this.deadlines.start(request.getMethod(), request.getRequestURI());
		Exception failure = null;
		boolean expired;
		try {
			chain.doFilter(request, response);
		}
		catch (IOException | ServletException | RuntimeException ex) {
			failure = ex;
		}
		finally {
			expired = deadline.end();
		}
		if (expired && !response.isCommitted()) {
			// Whatever the interrupt made of the request (an exception, an error page in
			// the buffer), the client is told that it ran out of time.
			timedOut(response);
			if (request.isAsyncStarted()) {
				request.getAsyncContext().complete();
			}
			return;
		}
		if (failure == null && request.isAsyncStarted()) {
			continueAsync(request, response, deadline);
		}
		rethrow(failure);
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return false;
	}

	/**
	 * The dispatch that ends an async request. Once past the deadline, a failure is the
	 * deadline's doing: a {@code Callable} that Spring MVC interrupts at the async
	 * timeout may hand back its InterruptedException before the timeout's own 503.
	 */
	private void afterDeadline(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			chain.doFilter(request, response);
		}
		catch (IOException | ServletException | RuntimeException ex) {
			if (!(request.getAttribute(DEADLINE_ATTRIBUTE) instanceof Deadline deadline) || !deadline.passed()
					|| response.isCommitted()) {
				throw ex;
			}
			timedOut(response);
		}
	}

	private void continueAsync(HttpServletRequest request, HttpServletResponse response, Deadline deadline) {
		request.setAttribute(DEADLINE_ATTRIBUTE, deadline);
		AsyncContext async = request.getAsyncContext();
		long remaining = deadline.remainingMillis();
		long current = async.getTimeout();
		if (current <= 0 || current > remaining) {
			async.setTimeout(remaining);
		}
		// The response given here, not the context's: Tomcat refuses the context's once
		// Spring MVC's own listener has dispatched the timeout.
		async.addListener(new AsyncTimeout(deadline), request, response);
	}

	private void timedOut(HttpServletResponse response) throws IOException {
		response.reset();
		response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
		setRetryAfter(response);
		response.setContentType("text/plain;charset=UTF-8");
		response.getWriter()
			.write("The request ran past the request timeout (" + SettingsChecks.format(this.deadlines.getTimeout())
					+ ").\n");
	}

	private void setRetryAfter(HttpServletResponse response) {
		response.setHeader(HttpHeaders.RETRY_AFTER, this.retryAfterSeconds);
	}

	private static void rethrow(@Nullable Exception failure) throws IOException, ServletException {
		if (failure instanceof IOException ex) {
			throw ex;
		}
		if (failure instanceof ServletException ex) {
			throw ex;
		}
		if (failure instanceof RuntimeException ex) {
			throw ex;
		}
	}

	/**
	 * Counts an async request that its async timeout ended, and adds the
	 * {@code Retry-After} to the {@code 503} that Spring MVC answers it with.
	 */
	private final class AsyncTimeout implements AsyncListener {

		private final Deadline deadline;

		AsyncTimeout(Deadline deadline) {
			this.deadline = deadline;
		}

		@Override
		public void onTimeout(AsyncEvent event) throws IOException {
			if (!this.deadline.passed()) {
				// A shorter timeout of the application's own.
				return;
			}
			RequestDeadlineFilter.this.deadlines.asyncTimedOut(this.deadline.method(), this.deadline.path());
			if (event.getSuppliedResponse() instanceof HttpServletResponse response && !response.isCommitted()) {
				setRetryAfter(response);
				try {
					// Spring MVC's listener, which runs first, dispatches its own 503;
					// when it did not (its timeout lost a race with the interrupted
					// Callable's result), the request ends here rather than as the
					// container's 500.
					event.getAsyncContext().complete();
					timedOut(response);
				}
				catch (IllegalStateException ex) {
					// Dispatched: Spring MVC answers.
				}
			}
		}

		@Override
		public void onComplete(AsyncEvent event) {
		}

		@Override
		public void onError(AsyncEvent event) {
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
		}

	}

}
