package io.github.bootconcurrency.autoconfigure.admission;

import java.util.Optional;

import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.AbstractLimiter;

/**
 * Moves a {@link RequestGate}'s limit with Netflix's Gradient2 algorithm, fed with the
 * latency of each request the gate admits.
 *
 * <p>
 * The gate, not this limiter, decides who waits and who is rejected: it keeps its fair
 * queue and its queue timeout. So this limiter admits whatever it is asked to (the gate
 * has already admitted it), and its only job is the library's bookkeeping: a listener per
 * request, whose {@code onSuccess}, {@code onDropped} or {@code onIgnore} hands the
 * latency and the number in flight to the algorithm, which calls back with each new
 * limit. Gradient2 compares each latency with its long-run average: a rise beyond the
 * tolerance cuts the limit (by half at most), a steady latency lets it grow by a small
 * queue allowance, and it does not grow while fewer than half the slots are used.
 *
 * <p>
 * This is the one class that refers to the optional library: it is loaded only once
 * {@link AdaptiveLimitRequirement} has found the library.
 */
final class AdaptiveLimiter extends AbstractLimiter<Void> implements LimitFeedback {

	private final RequestGate gate;

	private AdaptiveLimiter(Builder builder, RequestGate gate) {
		super(builder);
		this.gate = gate;
		gate.setLimit(getLimit());
	}

	/**
	 * Make a gate's limit adaptive, starting at the minimum.
	 * @param gate the gate, whose limit at creation is the highest the algorithm may set
	 * @param minLimit the least the algorithm may set, and where it starts
	 */
	static void attach(RequestGate gate, int minLimit) {
		Gradient2Limit limit = Gradient2Limit.newBuilder()
			.initialLimit(minLimit)
			.minLimit(minLimit)
			.maxConcurrency(gate.getMaxLimit())
			.build();
		AdaptiveLimiter limiter = new AdaptiveLimiter(new Builder().named("concurrency-request-gate").limit(limit),
				gate);
		gate.setLimitFeedback(limiter);
	}

	@Override
	public Optional<Listener> acquire(Void context) {
		return Optional.of(createListener());
	}

	@Override
	public Sample admitted() {
		Listener listener = createListener();
		return new Sample() {

			@Override
			public void succeeded() {
				listener.onSuccess();
			}

			@Override
			public void dropped() {
				listener.onDropped();
			}

			@Override
			public void ignored() {
				listener.onIgnore();
			}

		};
	}

	@Override
	protected void onNewLimit(int newLimit) {
		super.onNewLimit(newLimit);
		this.gate.setLimit(newLimit);
	}

	static final class Builder extends AbstractLimiter.Builder<Builder> {

		@Override
		protected Builder self() {
			return this;
		}

	}

}
