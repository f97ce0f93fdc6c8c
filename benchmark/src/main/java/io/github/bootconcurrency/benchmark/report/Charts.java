package io.github.bootconcurrency.benchmark.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import io.github.bootconcurrency.benchmark.results.AppModel;
import io.github.bootconcurrency.benchmark.results.Measurement;
import io.github.bootconcurrency.benchmark.results.Measurement.Workload;
import io.github.bootconcurrency.benchmark.results.SuiteOptions;
import io.github.bootconcurrency.benchmark.results.SuiteResults;
import io.github.bootconcurrency.benchmark.results.ThroughputRun;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Renders the charts of docs/benchmarks.md with XChart, headless, from a run's results.
 */
public final class Charts {

	static final String CPU = "cpu-bound.png";

	static final String IO = "io-bound.png";

	static final String THROUGHPUT = "hello-throughput.png";

	static final String HELLO_BURST = "hello-at-once.png";

	private static final int WIDTH = 900;

	private static final int HEIGHT = 520;

	private Charts() {
	}

	/**
	 * Writes every chart there are figures for.
	 * @return the file names written
	 */
	public static List<String> write(SuiteResults results, Path directory) throws IOException {
		System.setProperty("java.awt.headless", "true");
		Files.createDirectories(directory);
		List<String> written = new ArrayList<>();
		if (wallChart(results, Workload.CPU, directory.resolve(CPU), false,
				"CPU-bound: wall time of N requests at once", "N (requests at once)")) {
			written.add(CPU);
		}
		if (wallChart(
				results, Workload.IO, directory.resolve(IO), true, "IO-bound (sleep "
						+ SuiteOptions.fmt(results.options().ioSleepSeconds()) + " s): wall time of N requests at once",
				"N (requests at once, log scale)")) {
			written.add(IO);
		}
		if (throughputChart(results, directory.resolve(THROUGHPUT))) {
			written.add(THROUGHPUT);
		}
		if (barChart(results, Workload.HELLO_BURST, directory.resolve(HELLO_BURST),
				String.format("hello: wall time of %,d requests at once", results.options().helloBurst()),
				"wall time (s)", false)) {
			written.add(HELLO_BURST);
		}
		return written;
	}

	private static boolean wallChart(SuiteResults results, Workload workload, Path file, boolean logarithmic,
			String title, String xTitle) throws IOException {
		XYChart chart = new XYChartBuilder().width(WIDTH)
			.height(HEIGHT)
			.title(title)
			.xAxisTitle(xTitle)
			.yAxisTitle("wall time (s)")
			.build();
		chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
		chart.getStyler().setXAxisLogarithmic(logarithmic);
		chart.getStyler().setYAxisDecimalPattern("#,##0.##");
		chart.getStyler().setXAxisDecimalPattern("#,##0");
		int series = 0;
		for (AppModel model : results.models()) {
			List<Measurement> measured = results.of(model.id(), workload)
				.stream()
				.filter(Measurement::measured)
				.toList();
			if (measured.isEmpty()) {
				continue;
			}
			double[] x = measured.stream().mapToDouble(Measurement::n).toArray();
			double[] y = measured.stream().mapToDouble(Measurement::wallSeconds).toArray();
			chart.addSeries(model.title(), x, y).setMarker(SeriesMarkers.CIRCLE);
			series++;
		}
		if (series == 0) {
			return false;
		}
		if (workload == Workload.CPU) {
			addIdeal(results, chart);
		}
		BitmapEncoder.saveBitmap(chart, file.toString(), BitmapFormat.PNG);
		return true;
	}

	/**
	 * The target's reference: ceil(N / cores) × wall(1) of platform (defaults), what N
	 * CPU-bound requests cost when every core is busy and nothing else is.
	 */
	private static void addIdeal(SuiteResults results, XYChart chart) {
		results.measured(AppModel.PLATFORM, Workload.CPU, 1).ifPresent((one) -> {
			int cores = results.machine().cores();
			double[] x = results.of(AppModel.PLATFORM, Workload.CPU).stream().mapToDouble(Measurement::n).toArray();
			double[] y = new double[x.length];
			for (int i = 0; i < x.length; i++) {
				y[i] = Math.ceil(x[i] / cores) * one.wallSeconds();
			}
			chart.addSeries(cores + "-core ideal (from platform's N = 1)", x, y).setMarker(SeriesMarkers.NONE);
		});
	}

	/**
	 * Hello throughput of every model, the median of its rounds, under wrk and under the
	 * load tool side by side.
	 */
	private static boolean throughputChart(SuiteResults results, Path file) throws IOException {
		List<String> names = new ArrayList<>();
		List<Number> wrk = new ArrayList<>();
		List<Number> own = new ArrayList<>();
		for (AppModel model : results.models()) {
			List<ThroughputRun> runs = results.throughput(model.id());
			OptionalDouble ownRate = ThroughputRun.median(runs, ThroughputRun::ownRate);
			OptionalDouble wrkRate = ThroughputRun.median(runs, ThroughputRun::wrkRate);
			if (ownRate.isPresent() || wrkRate.isPresent()) {
				names.add(model.id());
				wrk.add(wrkRate.orElse(0));
				own.add(ownRate.orElse(0));
			}
		}
		if (names.isEmpty()) {
			return false;
		}
		CategoryChart chart = new CategoryChartBuilder().width(WIDTH)
			.height(HEIGHT)
			.title("hello throughput, closed loop of " + results.options().connections() + " connections")
			.xAxisTitle("model")
			.yAxisTitle("successful requests/s")
			.build();
		chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
		chart.getStyler().setXAxisLabelRotation(30);
		chart.getStyler().setYAxisDecimalPattern("#,##0");
		if (results.wrk() != null) {
			chart.addSeries("wrk", names, wrk);
		}
		chart.addSeries("load tool", names, own);
		BitmapEncoder.saveBitmap(chart, file.toString(), BitmapFormat.PNG);
		return true;
	}

	private static boolean barChart(SuiteResults results, Workload workload, Path file, String title, String yTitle,
			boolean throughput) throws IOException {
		List<String> names = new ArrayList<>();
		List<Number> values = new ArrayList<>();
		for (AppModel model : results.models()) {
			for (Measurement measurement : results.of(model.id(), workload)) {
				if (measurement.measured()) {
					names.add(model.id());
					values.add(throughput ? measurement.result().throughput() : measurement.wallSeconds());
				}
			}
		}
		if (names.isEmpty()) {
			return false;
		}
		CategoryChart chart = new CategoryChartBuilder().width(WIDTH)
			.height(HEIGHT)
			.title(title)
			.xAxisTitle("model")
			.yAxisTitle(yTitle)
			.build();
		chart.getStyler().setLegendVisible(false);
		chart.getStyler().setXAxisLabelRotation(30);
		chart.getStyler().setYAxisDecimalPattern("#,##0.##");
		chart.addSeries(yTitle, names, values);
		BitmapEncoder.saveBitmap(chart, file.toString(), BitmapFormat.PNG);
		return true;
	}

}
