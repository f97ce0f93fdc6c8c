package io.github.bootconcurrency.benchmark.suite;

import java.nio.file.Files;
import java.nio.file.Path;

import io.github.bootconcurrency.benchmark.cli.Arguments;
import io.github.bootconcurrency.benchmark.load.LoadEngine;
import io.github.bootconcurrency.benchmark.report.ReportWriter;
import io.github.bootconcurrency.benchmark.results.AppModel;
import io.github.bootconcurrency.benchmark.results.SuiteOptions;

/**
 * The Gunicorn experiment, for every model: starts the sample app fresh for each
 * configuration, warms it up, runs the workloads, stops it, then evaluates the targets
 * and writes docs/benchmarks.md and its charts.
 * <p>
 * Design: the load runs in this JVM ({@link LoadEngine}), the app in a child JVM of the
 * same Java (so that the figures are for one runtime), on a free loopback port. Every
 * step is bounded: each request by connect and read timeouts equal to the step bound, the
 * step by a deadline, the app's startup by a boot timeout. A workload whose step reached
 * the bound is not run at a larger N on that model (one thread sleeping 1 s per request
 * would need 3 hours for 10,000); the docs show it as skipped. A model that fails to
 * start is reported and the suite goes on with the next.
 * <p>
 * The hello throughput step runs last, in rounds across the models (A, B, …, A, B, …):
 * each round starts every model afresh, warms it up, and measures it with wrk (when on
 * the {@code PATH}) then with the load tool, so that the ratio targets pair figures of
 * the same round. The seed's stack, the Flask app under Gunicorn, goes through the same
 * steps when installed.
 * <p>
 * Startup time is measured from the process start to the first {@code 200} of
 * {@code /actuator/health/readiness} (for multi-jvm, until every worker is ready). For
 * the starter's overhead, {@code platform} and {@code no-starter} are also started
 * alternately a few more times, so that a slow moment of the machine does not fall on one
 * of them only.
 */
public final class BenchmarkSuite {

	static final String COMMAND = "java -jar benchmark/target/benchmark.jar suite";

	private BenchmarkSuite() {
	}

	public static void main(String[] args) {
		System.exit(run(args));
	}

	/**
	 * Runs the suite.
	 * @return the exit status: 0 once docs are written (missed targets are results, not
	 * errors), 1 on a failure, 2 on a usage error
	 */
	public static int run(String[] args) {
		Arguments arguments = new Arguments(args);
		SuiteOptions options;
		String command;
		try {
			options = SuiteOptions.parse(arguments);
			command = COMMAND + ((args.length > 0) ? " " + String.join(" ", args) : "");
			arguments.rejectUnknown();
			if (!arguments.positional().isEmpty()) {
				throw new IllegalArgumentException("Unexpected argument(s): " + arguments.positional());
			}
			if (!Files.isRegularFile(options.jar())) {
				throw new IllegalArgumentException("No sample app jar at " + options.jar().toAbsolutePath()
						+ ": build first (./mvnw -q package -DskipTests) and run from the project's root directory.");
			}
			// Checked now rather than after half an hour of measurements.
			Path template = options.docs().resolve(ReportWriter.TEMPLATE);
			if (!Files.isRegularFile(template)) {
				throw new IllegalArgumentException("No docs template at " + template.toAbsolutePath()
						+ ": run from the project's root directory or give --docs.");
			}
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.err.println("Options: --quick --models=a,b --workloads=cpu,io,hello-burst,hello-throughput,startup "
					+ "--app-jvm-args=\"...\" --io-sleep=1 --cpu-n=1,2,4,8 --io-n=10,100,1000,10000 --hello-burst=10000 "
					+ "--connections=64 --duration=10s --warmup=10s --step-timeout=180s --boot-timeout=120s --startup-runs=5 "
					+ "--client=socket|jdk --cpu-samples=3 --throughput-warmup=30s --throughput-rounds=2 --jar=PATH "
					+ "--docs=docs. Models: " + String.join(", ", AppModel.all().stream().map(AppModel::id).toList()));
			return 2;
		}
		try {
			new SuiteRun(options, command).execute();
			return 0;
		}
		catch (Exception ex) {
			System.err.println("The suite failed: " + ex);
			ex.printStackTrace();
			return 1;
		}
	}

}
