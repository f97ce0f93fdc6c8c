package io.github.bootconcurrency.benchmark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One configuration of the sample app that the suite measures: a model and its settings,
 * as command line arguments of the app.
 *
 * @param id short name, used in options and file names
 * @param title name in tables and charts
 * @param appArguments arguments given to the app
 * @param workers worker JVMs to wait for ({@code 0} for a single JVM)
 * @param full whether every workload runs; the baseline without the starter runs only the
 * hello workloads and startup, which is what its comparison needs
 */
record AppModel(String id, String title, List<String> appArguments, int workers, boolean full) {

	/**
	 * The starter's auto-configurations (its
	 * {@code META-INF/spring/...AutoConfiguration.imports}), plus the one the sample app
	 * itself excludes in {@code application.yml}: a command line
	 * {@code spring.autoconfigure.exclude} replaces that list rather than adding to it.
	 */
	static final List<String> STARTER_AUTO_CONFIGURATIONS = List.of(
			"io.github.bootconcurrency.autoconfigure.ConcurrencyAutoConfiguration",
			"io.github.bootconcurrency.autoconfigure.actuate.ConcurrencyEndpointAutoConfiguration",
			"io.github.bootconcurrency.autoconfigure.actuate.ConcurrencyMetricsAutoConfiguration",
			"io.github.bootconcurrency.autoconfigure.actuate.SecretsSanitizingAutoConfiguration",
			"io.github.bootconcurrency.autoconfigure.redis.RedisFailFastAutoConfiguration",
			"io.github.bootconcurrency.autoconfigure.multijvm.worker.MultiJvmWorkerAutoConfiguration",
			"io.github.bootconcurrency.autoconfigure.multijvm.worker.MultiJvmWorkerPrometheusAutoConfiguration");

	static final String SAMPLE_APP_EXCLUSION = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration";

	static final String PLATFORM_ONE = "platform-1";

	static final String PLATFORM = "platform";

	static final String VIRTUAL = "virtual";

	static final String NO_STARTER = "no-starter";

	static List<AppModel> all() {
		List<AppModel> models = new ArrayList<>();
		models.add(new AppModel(PLATFORM_ONE, "platform, 1 thread (sync)", List.of("--concurrency.model=platform",
				"--concurrency.platform.max-threads=1", "--concurrency.platform.min-threads=1"), 0, true));
		models.add(new AppModel(PLATFORM, "platform (defaults)", List.of("--concurrency.model=platform"), 0, true));
		models.add(new AppModel(VIRTUAL, "virtual (defaults)", List.of("--concurrency.model=virtual"), 0, true));
		for (String balancer : List.of("proxy", "shared-socket")) {
			for (String workerModel : List.of("platform", "virtual")) {
				models.add(new AppModel(multiJvmId(workerModel, balancer),
						"multi-jvm 2 × " + workerModel + ", " + balancer,
						List.of("--concurrency.model=multi-jvm", "--concurrency.multi-jvm.workers=2",
								"--concurrency.multi-jvm.worker-model=" + workerModel,
								"--concurrency.multi-jvm.balancer=" + balancer,
								"--concurrency.multi-jvm.graceful-timeout=5s"),
						2, true));
			}
		}
		List<String> excluded = new ArrayList<>(STARTER_AUTO_CONFIGURATIONS);
		excluded.add(SAMPLE_APP_EXCLUSION);
		models.add(new AppModel(NO_STARTER, "without the starter (platform, Tomcat defaults)",
				List.of("--spring.autoconfigure.exclude=" + String.join(",", excluded)), 0, false));
		return models;
	}

	static String multiJvmId(String workerModel, String balancer) {
		return "multi-jvm-" + workerModel + "-" + balancer;
	}

	static List<AppModel> select(List<String> ids) {
		List<AppModel> all = all();
		if (ids.isEmpty() || ids.equals(List.of("all"))) {
			return all;
		}
		List<AppModel> selected = new ArrayList<>();
		for (String id : ids) {
			selected.add(all.stream()
				.filter((model) -> model.id().equals(id))
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException("Unknown model '" + id + "'; known: "
						+ String.join(", ", all.stream().map(AppModel::id).toList()))));
		}
		return selected;
	}

	boolean multiJvm() {
		return this.workers > 0;
	}

	static List<String> split(String jvmArgs) {
		return (jvmArgs == null || jvmArgs.isBlank()) ? List.of() : Arrays.asList(jvmArgs.strip().split("\\s+"));
	}

}
