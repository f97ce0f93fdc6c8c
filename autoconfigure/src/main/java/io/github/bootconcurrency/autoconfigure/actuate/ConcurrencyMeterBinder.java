package io.github.bootconcurrency.autoconfigure.actuate;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ClusterView;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.channel.MasterChannelClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Publishes the request gate's counters as {@code concurrency.requests.*} meters, tagged
 * with the model, so that dashboards read the same figures under every model.
 *
 * <p>
 * {@code concurrency.requests.wait} times how long each request waited at the gate for a
 * slot, tagged with {@code outcome} ({@code admitted} or {@code rejected}) as well. A
 * request admitted at once is recorded with a wait of zero, so that the count is every
 * admitted request and a percentile is a share of all of them, not of those that queued.
 * Percentiles are published when configured, as for any timer, with
 * {@code management.metrics.distribution.percentiles-histogram.concurrency.requests.wait}.
 * The time a request spends in the server's own queue before the gate (Tomcat's or
 * Jetty's pool, under the platform model) is not part of it.
 *
 * <p>
 * In a worker of the multi-jvm model, {@code concurrency.workers.replacements}, tagged
 * with {@code reason}, counts the workers the master replaced or stopped since it
 * started. The master runs no meter registry: every worker publishes the master's
 * figures, the same in each, so a dashboard takes their maximum, not their sum.
 */
public class ConcurrencyMeterBinder implements MeterBinder {

	private final RequestGate gate;

	private final Tags tags;

	// One pair of timers for each registry bound to: usually just Boot's composite.
	private final List<Timer> admittedWaits = new CopyOnWriteArrayList<>();

	private final List<Timer> rejectedWaits = new CopyOnWriteArrayList<>();

	private final @Nullable MasterReplacements replacements;

	public ConcurrencyMeterBinder(RequestGate gate, String model) {
		this(gate, model, null);
	}

	/**
	 * Create a binder.
	 * @param gate the request gate
	 * @param model the model in force
	 * @param master in a worker of the multi-jvm model, its master's channel, whose
	 * counters are published too; otherwise {@code null}
	 */
	public ConcurrencyMeterBinder(RequestGate gate, String model, @Nullable MasterChannelClient master) {
		this.gate = gate;
		this.tags = Tags.of("model", model);
		this.replacements = (master != null) ? new MasterReplacements(master) : null;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.admittedWaits.add(waitTimer("admitted").register(registry));
		this.rejectedWaits.add(waitTimer("rejected").register(registry));
		this.gate.setWaitListener(this::recordWait);
		Gauge.builder("concurrency.requests.limit", this.gate, RequestGate::getLimit)
			.tags(this.tags)
			.description("Maximum number of requests in flight at once, now (an adaptive limit moves)")
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
		MasterReplacements replacements = this.replacements;
		if (replacements != null) {
			for (String reason : ClusterView.REPLACEMENT_REASONS) {
				// The function holds the figures strongly: a meter holds its object only
				// weakly, nothing else may hold these figures, and a counter whose object
				// was collected reports its last value for ever.
				FunctionCounter
					.builder("concurrency.workers.replacements", replacements, (ignored) -> replacements.count(reason))
					.tags(this.tags)
					.tag("reason", reason)
					.description("Workers the multi-jvm master replaced or stopped since it started, by reason")
					.register(registry);
			}
		}
	}

	private Timer.Builder waitTimer(String outcome) {
		return Timer.builder("concurrency.requests.wait")
			.tags(this.tags)
			.tag("outcome", outcome)
			.description("Time requests waited at the gate for a slot, zero for those admitted at once");
	}

	private void recordWait(long waitNanos, boolean admitted) {
		for (Timer timer : admitted ? this.admittedWaits : this.rejectedWaits) {
			timer.record(waitNanos, TimeUnit.NANOSECONDS);
		}
	}

}
