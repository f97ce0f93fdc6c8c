package io.github.bootconcurrency.benchmark.results;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

import org.jspecify.annotations.Nullable;

import io.github.bootconcurrency.benchmark.load.Wrk;
import io.github.bootconcurrency.benchmark.machine.Usage;

/**
 * One round of the hello throughput step on one model: a fresh app, warmed up, measured
 * first by wrk, then by the load tool's own client. The ratio targets pair the rounds:
 * round 1 of a model with round 1 of its reference, round 2 with round 2, so that a slow
 * moment of the machine falls on both sides of a ratio or on neither.
 *
 * @param model the model's id
 * @param round from 1
 * @param own the load tool's closed loop, or {@code null} when it could not run
 * @param wrk wrk's closed loop, or {@code null} when wrk is not installed or failed
 * @param wrkUsage what wrk's loop cost the machine (the client's CPU is wrk's own)
 */
public record ThroughputRun(String model, int round, @Nullable Measurement own, Wrk.@Nullable Result wrk,
		Usage wrkUsage) {

	/** Successful requests a second under wrk, or {@code NaN}. */
	public double wrkRate() {
		return (this.wrk != null) ? this.wrk.successesPerSecond() : Double.NaN;
	}

	/** Successful requests a second under the load tool, or {@code NaN}. */
	public double ownRate() {
		return (this.own != null && this.own.measured()) ? this.own.result().throughput() : Double.NaN;
	}

	/**
	 * The median over the runs of the figures that were measured, or empty when none was.
	 */
	public static OptionalDouble median(List<ThroughputRun> runs, ToDoubleFunction<ThroughputRun> figure) {
		double[] values = runs.stream().mapToDouble(figure).filter((value) -> !Double.isNaN(value)).sorted().toArray();
		return median(values);
	}

	public static OptionalDouble median(double[] values) {
		if (values.length == 0) {
			return OptionalDouble.empty();
		}
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return OptionalDouble.of((sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2);
	}

	/**
	 * The ratio of {@code model} to {@code reference} in each round where both were
	 * measured, in round order.
	 */
	public static List<Double> pairedRatios(List<ThroughputRun> model, List<ThroughputRun> reference,
			ToDoubleFunction<ThroughputRun> figure) {
		List<Double> ratios = new ArrayList<>();
		for (ThroughputRun run : model) {
			for (ThroughputRun other : reference) {
				if (other.round() == run.round()) {
					double ratio = figure.applyAsDouble(run) / figure.applyAsDouble(other);
					if (!Double.isNaN(ratio) && !Double.isInfinite(ratio)) {
						ratios.add(ratio);
					}
				}
			}
		}
		return ratios;
	}

	/** A cell of the table: the median, and each round's figure after it. */
	public static String cell(List<ThroughputRun> runs, ToDoubleFunction<ThroughputRun> figure) {
		OptionalDouble median = median(runs, figure);
		if (median.isEmpty()) {
			return "-";
		}
		String text = String.format(Locale.ROOT, "%,.0f", median.getAsDouble());
		if (runs.size() > 1) {
			text += " (" + String.join(", ", runs.stream().map((run) -> {
				double value = figure.applyAsDouble(run);
				return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%,.0f", value);
			}).toList()) + ")";
		}
		return text;
	}

}
