package io.github.bootconcurrency.autoconfigure.actuate;

import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Publishes the request gate's counters as {@code concurrency.requests.*} meters, tagged
 * with the model, so that dashboards read the same figures under every model.
 */
public class ConcurrencyMeterBinder implements MeterBinder {

	private final RequestGate gate;

	private final Tags tags;

	public ConcurrencyMeterBinder(RequestGate gate, String model) {
		this.gate = gate;
		this.tags = Tags.of("model", model);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("concurrency.requests.limit", this.gate, RequestGate::getLimit)
			.tags(this.tags)
			.description("Maximum number of requests in flight at once")
			.register(registry);
		Gauge.builder("concurrency.requests.active", this.gate, RequestGate::getInFlight)
			.tags(this.tags)
			.description("Requests being handled now")
			.register(registry);
		Gauge.builder("concurrency.requests.peak", this.gate, RequestGate::getPeakInFlight)
			.tags(this.tags)
			.description("Most requests handled at once since startup")
			.register(registry);
		Gauge.builder("concurrency.requests.waiting", this.gate, RequestGate::getWaiting)
			.tags(this.tags)
			.description("Requests waiting for a slot now")
			.register(registry);
		FunctionCounter.builder("concurrency.requests.completed", this.gate, RequestGate::getCompleted)
			.tags(this.tags)
			.description("Requests completed since startup")
			.register(registry);
		FunctionCounter.builder("concurrency.requests.rejected", this.gate, RequestGate::getRejected)
			.tags(this.tags)
			.description("Requests rejected because no slot freed up within the queue timeout")
			.register(registry);
	}

}
