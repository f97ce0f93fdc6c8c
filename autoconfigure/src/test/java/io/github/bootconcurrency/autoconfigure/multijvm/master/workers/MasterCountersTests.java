package io.github.bootconcurrency.autoconfigure.multijvm.master.workers;

import io.github.bootconcurrency.autoconfigure.multijvm.master.metrics.MetricFamilies;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MasterCounters}: the replacements by reason reach both the cluster
 * view and the master's own series in a scrape.
 */
class MasterCountersTests {

	@Test
	void replacementsByReasonAreInTheViewAndInTheMastersSeriesWithEveryReasonFromZero() {
		MasterCounters counters = new MasterCounters();
		counters.replaced(ReplacementReason.MAX_HEAP);
		counters.replaced(ReplacementReason.MAX_HEAP);
		counters.replaced(ReplacementReason.CRASHED);
		assertThat(counters.view().replacements()).containsEntry("max-heap", 2L)
			.containsEntry("crashed", 1L)
			.containsEntry("request-stuck", 0L);
		MetricFamilies series = new MetricFamilies();
		counters.describe(series);
		assertThat(series.lines()).containsOnlyOnce("# TYPE concurrency_master_workers_replaced_total counter")
			.contains("concurrency_master_workers_replaced_total{reason=\"max-heap\"} 2.0",
					"concurrency_master_workers_replaced_total{reason=\"crashed\"} 1.0",
					"concurrency_master_workers_replaced_total{reason=\"scale\"} 0.0");
	}

}
