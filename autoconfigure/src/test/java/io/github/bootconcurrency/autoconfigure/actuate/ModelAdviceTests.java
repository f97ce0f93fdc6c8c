package io.github.bootconcurrency.autoconfigure.actuate;

import io.github.bootconcurrency.autoconfigure.actuate.ModelAdvice.AdviceDescriptor;
import io.github.bootconcurrency.autoconfigure.admission.RequestWindow.Totals;
import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the rules of {@link ModelAdvice}, each at its documented threshold.
 */
class ModelAdviceTests {

	private static final long SECOND = 1_000_000_000L;

	@Test
	void mostlyWaitingRequestsAreIoBoundAndASaturatedPoolIsNamed() {
		AdviceDescriptor advice = ModelAdvice.advise(totals(1000, 200 * SECOND, 6 * SECOND, 41),
				ConcurrencyModel.PLATFORM, 200);
		assertThat(advice.category()).isEqualTo("io-bound");
		assertThat(advice.advisedModel()).isEqualTo("virtual");
		assertThat(advice.blockingRatio()).isEqualTo(0.97);
		assertThat(advice.recommendation())
			.startsWith("requests spent 97 % of their time waiting (IO-bound): `virtual` fits")
			.contains("`platform` with 200 threads was saturated for 41 s")
			.contains("`platform` would need about 67 threads");
	}

	@Test
	void eightyPercentWaitingIsStillIoBound() {
		assertThat(ModelAdvice.advise(totals(100, 10 * SECOND, 2 * SECOND, 0), ConcurrencyModel.VIRTUAL, 10_000)
			.category()).isEqualTo("io-bound");
		assertThat(ModelAdvice
			.advise(totals(100, 10 * SECOND, 2 * SECOND + SECOND / 10, 0), ConcurrencyModel.VIRTUAL, 10_000)
			.category()).isEqualTo("mixed");
	}

	@Test
	void mostlyComputingRequestsAreCpuBound() {
		AdviceDescriptor advice = ModelAdvice.advise(totals(100, 10 * SECOND, 6 * SECOND, 0), ConcurrencyModel.VIRTUAL,
				10_000);
		assertThat(advice.category()).isEqualTo("cpu-bound");
		assertThat(advice.advisedModel()).isEqualTo("platform");
		assertThat(advice.recommendation()).contains("threads beyond the 2 cores only queue")
			.contains("`multi-jvm` adds isolation, not speed");
	}

	@Test
	void busyCoresMakeWaitingForACoreCpuBoundEvenWithAHighBlockingRatio() {
		// 100 requests in flight on 2 cores kept busy: each waits for a core 98 % of
		// the time, which is no IO.
		AdviceDescriptor advice = ModelAdvice.advise(
				new Totals(1000, 0, 6000 * SECOND, 0, 100, 60, 60 * SECOND, 100 * SECOND, 2, 0.9),
				ConcurrencyModel.VIRTUAL, 10_000);
		assertThat(advice.blockingRatio()).isGreaterThan(0.9);
		assertThat(advice.category()).isEqualTo("cpu-bound");
		assertThat(advice.recommendation()).startsWith("the 2 cores were 83 % busy (CPU-bound)");
	}

	@Test
	void aHostBusyWithOtherProcessesMakesPartWaitingCpuBoundButLeavesIoBoundAlone() {
		Totals cpuBoundOnABusyHost = new Totals(3, 0, 26 * SECOND, 0, 1, 0, 26 * SECOND, 13 * SECOND, 2, 0.95);
		AdviceDescriptor advice = ModelAdvice.advise(cpuBoundOnABusyHost, ConcurrencyModel.PLATFORM, 200);
		assertThat(advice.category()).isEqualTo("cpu-bound");
		assertThat(advice.recommendation()).startsWith("the host's 2 cores were 95 % busy, other processes included");
		Totals ioBoundOnABusyHost = new Totals(300, 0, 100 * SECOND, 0, 50, 0, 10 * SECOND, 2 * SECOND, 2, 0.95);
		assertThat(ModelAdvice.advise(ioBoundOnABusyHost, ConcurrencyModel.PLATFORM, 200).category())
			.isEqualTo("io-bound");
	}

	@Test
	void inBetweenIsMixedWithAPoolSizedByTheBlockingRatio() {
		AdviceDescriptor advice = ModelAdvice.advise(totals(100, 10 * SECOND, 4 * SECOND, 0), ConcurrencyModel.PLATFORM,
				200);
		assertThat(advice.category()).isEqualTo("mixed");
		assertThat(advice.recommendation()).contains("`platform` with about 5 threads (2 cores / (1 - 0.60))");
	}

	@Test
	void tooFewRequestsGiveNoAdvice() {
		AdviceDescriptor advice = ModelAdvice.advise(totals(9, 9 * SECOND, SECOND, 0), ConcurrencyModel.PLATFORM, 200);
		assertThat(advice.category()).isEqualTo("unknown");
		assertThat(advice.advisedModel()).isNull();
		assertThat(advice.recommendation()).isEqualTo("No advice: too few requests in the last minute (9, taking 9.0 s;"
				+ " at least 10 requests or 10 s needed).");
		assertThat(
				ModelAdvice.advise(totals(3, 30 * SECOND, 29 * SECOND, 0), ConcurrencyModel.PLATFORM, 200).category())
			.as("three long requests")
			.isEqualTo("cpu-bound");
	}

	private static Totals totals(long requests, long wallNanos, long cpuNanos, int saturatedSeconds) {
		return new Totals(requests, 0, wallNanos, 0, 10, saturatedSeconds, 60 * SECOND, cpuNanos, 2, 0.5);
	}

}
