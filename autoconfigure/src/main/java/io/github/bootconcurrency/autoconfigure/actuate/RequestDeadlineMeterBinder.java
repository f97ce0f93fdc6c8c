package io.github.bootconcurrency.autoconfigure.actuate;

import io.github.bootconcurrency.autoconfigure.admission.RequestDeadlines;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Publishes what the request deadlines did ({@code concurrency.request-timeout}), tagged
 * with the model as the other {@code concurrency.requests.*} meters are: how many
 * requests ran past their deadline, and how many still run past it now, having ignored
 * the interrupt. Nothing is published while requests have no deadline.
 */
public class RequestDeadlineMeterBinder implements MeterBinder {

	private final RequestDeadlines deadlines;

	private final Tags tags;

	public RequestDeadlineMeterBinder(RequestDeadlines deadlines, String model) {
		this.deadlines = deadlines;
		this.tags = Tags.of("model", model);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (!this.deadlines.isEnabled()) {
			return;
		}
		FunctionCounter.builder("concurrency.requests.timed-out", this.deadlines, RequestDeadlines::getTimedOut)
			.tags(this.tags)
			.description("Requests that ran past the request timeout since startup")
			.register(registry);
		Gauge.builder("concurrency.requests.stuck", this.deadlines, RequestDeadlines::getStuck)
			.tags(this.tags)
			.description("Requests still running past the request timeout, their thread interrupted")
			.register(registry);
	}

}
