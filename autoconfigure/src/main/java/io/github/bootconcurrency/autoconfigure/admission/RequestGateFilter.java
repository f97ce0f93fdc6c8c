package io.github.bootconcurrency.autoconfigure.admission;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Passes every request through the {@link RequestGate}, and answers a rejected one with
 * {@code 503 Service Unavailable} and a {@code Retry-After} header.
 *
 * <p>
 * It runs early in the chain, after Spring Boot's encoding and observation filters, so
 * that a rejected request is still measured but costs no security, session or MVC work. A
 * request that goes async releases its slot when the filter returns, not when the async
 * work ends: the gate bounds threads busy with requests, as Gunicorn's workers do.
 *
 * <p>
 * Requests for the {@link ProbePaths health probes} are not gated: neither held, counted
 * nor rejected, up to {@value #MAX_PROBES_IN_FLIGHT} at once. A probe answers in
 * microseconds, so more at once is a flood, and the rest wait at the gate like any
 * request rather than run readiness checks (a Redis PING) without bound.
 */
public class RequestGateFilter extends OncePerRequestFilter {

	private final RequestGate gate;

	private final ProbePaths probePaths;

	/**
	 * Most probe requests let past the gate at once.
	 */
	public static final int MAX_PROBES_IN_FLIGHT = 8;

	private final String retryAfterSeconds;

	private final Semaphore probes = new Semaphore(MAX_PROBES_IN_FLIGHT);

	private volatile @Nullable RequestWindow window;

	/**
	 * Create a filter that gates every request.
	 * @param gate the gate
	 */
	public RequestGateFilter(RequestGate gate) {
		this(gate, ProbePaths.none());
	}

	/**
	 * Create a filter that gates every request but those for the health probes.
	 * @param gate the gate
	 * @param probePaths the paths of the health probes
	 */
	public RequestGateFilter(RequestGate gate, ProbePaths probePaths) {
		this.gate = gate;
		this.probePaths = probePaths;
		Duration timeout = gate.getQueueTimeout();
		long seconds = (timeout != null) ? Math.max(1, (timeout.toMillis() + 999) / 1000) : 1;
		this.retryAfterSeconds = Long.toString(seconds);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (this.probePaths.matches(request) && this.probes.tryAcquire()) {
			try {
				chain.doFilter(request, response);
			}
			finally {
				this.probes.release();
			}
			return;
		}
		RequestWindow window = this.window;
		long arrived = (window != null) ? System.nanoTime() : 0;
		boolean admitted;
		try {
			admitted = this.gate.enter();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			reject(response);
			return;
		}
		long entered = (window != null) ? System.nanoTime() : 0;
		if (!admitted) {
			if (window != null) {
				window.rejected(entered - arrived);
			}
			reject(response);
			return;
		}
		// From here on the slot is held: whatever fails, the window or the limit's
		// algorithm included, the finally below gives it back.
		try {
			handle(request, response, chain, window, entered - arrived, entered);
		}
		finally {
			this.gate.exit();
		}
	}

	private void handle(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
			@Nullable RequestWindow window, long waitNanos, long entered) throws ServletException, IOException {
		int inFlight = 0;
		int limit = 0;
		if (window != null) {
			inFlight = this.gate.getInFlight();
			limit = this.gate.getLimit();
			window.admitted();
		}
		LimitFeedback.Sample sample = this.gate.sample();
		boolean failed = true;
		try {
			chain.doFilter(request, response);
			failed = false;
		}
		finally {
			report(sample, request, response, failed);
			if (window != null) {
				window.handled(waitNanos, System.nanoTime() - entered, inFlight, limit);
			}
		}
	}

	/**
	 * Measure every request admitted or rejected from now on in a window, for the advice
	 * on which model fits.
	 * @param window the window, or {@code null} to measure nothing
	 */
	public void setWindow(@Nullable RequestWindow window) {
		this.window = window;
	}

	/**
	 * Tell the limit's algorithm how the request ended. As Netflix's own servlet filter
	 * does, a request that failed is ignored: its latency says nothing of the load. So is
	 * one that went async, whose work goes on after its slot is released.
	 */
	private void report(LimitFeedback.Sample sample, HttpServletRequest request, HttpServletResponse response,
			boolean failed) {
		if (failed || request.isAsyncStarted()) {
			sample.ignored();
		}
		else if (response.getStatus() == HttpServletResponse.SC_SERVICE_UNAVAILABLE
				|| response.getStatus() == HttpServletResponse.SC_GATEWAY_TIMEOUT) {
			sample.dropped();
		}
		else {
			sample.succeeded();
		}
	}

	private void reject(HttpServletResponse response) throws IOException {
		response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
		response.setHeader(HttpHeaders.RETRY_AFTER, this.retryAfterSeconds);
		response.setContentType("text/plain;charset=UTF-8");
		response.getWriter()
			.write("Too many requests in flight (" + this.gate.getLimit()
					+ "): no slot freed up within the queue timeout.\n");
	}

}
