package io.github.bootconcurrency.benchmark.suite;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import io.github.bootconcurrency.benchmark.load.LoadResult;
import io.github.bootconcurrency.benchmark.machine.Usage;

/**
 * One run of a step, and what it cost.
 *
 * @param result what the load tool measured
 * @param usage what the run cost the machine
 */
record Sample(LoadResult result, Usage usage) {

	/**
	 * The run of median wall time; a run that reached its bound wins, to be reported.
	 */
	static Sample median(List<Sample> runs) {
		List<Sample> sorted = new ArrayList<>(runs);
		sorted.sort(Comparator.comparing((Sample sample) -> sample.result().wall()));
		return sorted.get(sorted.size() / 2);
	}

	static String walls(List<Sample> runs) {
		return String.join(", ",
				runs.stream().map((run) -> String.format(Locale.ROOT, "%.2f", run.result().wallSeconds())).toList());
	}

}
