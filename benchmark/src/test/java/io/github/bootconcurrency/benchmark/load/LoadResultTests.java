package io.github.bootconcurrency.benchmark.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LoadResult}.
 */
class LoadResultTests {

	private static LoadResult of(long[] latencies) {
		return new LoadResult("test", 1_000_000_000L, latencies, Map.of(200, latencies.length), Map.of());
	}

	@Test
	void percentilesAreNearestRankWhateverTheOrderOfArrival() {
		List<Long> millis = new ArrayList<>();
		for (long i = 1; i <= 100; i++) {
			millis.add(i);
		}
		Collections.shuffle(millis, new Random(42));
		LoadResult result = of(millis.stream().mapToLong((ms) -> ms * 1_000_000).toArray());
		assertThat(result.percentile(50)).isEqualTo(Duration.ofMillis(50));
		assertThat(result.percentile(99)).isEqualTo(Duration.ofMillis(99));
		assertThat(result.max()).isEqualTo(Duration.ofMillis(100));
	}

	@Test
	void percentilesOfFewSamplesRoundTheRankUp() {
		LoadResult result = of(new long[] { 30, 10, 20 });
		// Rank ceil(0.5 × 3) = 2: the middle one; rank ceil(0.99 × 3) = 3: the largest.
		assertThat(result.percentile(50)).isEqualTo(Duration.ofNanos(20));
		assertThat(result.percentile(99)).isEqualTo(Duration.ofNanos(30));
	}

	@Test
	void percentilesMatchASortedCopyForRandomSamples() {
		Random random = new Random(7);
		long[] latencies = random.longs(1001, 1, 1_000_000).toArray();
		LoadResult result = of(latencies);
		long[] sorted = latencies.clone();
		java.util.Arrays.sort(sorted);
		assertThat(result.percentile(50).toNanos()).isEqualTo(sorted[500]);
		assertThat(result.percentile(99).toNanos()).isEqualTo(sorted[990]);
		assertThat(result.max().toNanos()).isEqualTo(sorted[1000]);
	}

	@Test
	void socketErrorsCountAsFailuresButHaveNoLatency() {
		LoadResult result = new LoadResult("test", 2_000_000_000L, new long[] { 5, 6 }, Map.of(200, 1, 503, 1),
				Map.of(SocketError.RESET, 3));
		assertThat(result.requests()).isEqualTo(5);
		assertThat(result.responses()).isEqualTo(2);
		assertThat(result.failures()).isEqualTo(4);
		assertThat(result.throughput()).isEqualTo(0.5);
		assertThat(result.errorSummary()).isEqualTo("connection reset × 3");
	}

}
