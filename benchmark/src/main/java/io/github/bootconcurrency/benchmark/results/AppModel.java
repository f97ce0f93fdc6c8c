package io.github.bootconcurrency.benchmark.results;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One configuration that the suite measures: a model of the sample app and its settings,
 * as command line arguments of the app, or the seed's own stack, the Flask app under
 * Gunicorn with one of its worker classes, as arguments of {@code gunicorn}.
 *
 * @param id short name, used in options and file names
 * @param title name in tables and charts
 * @param appArguments arguments given to the app (to {@code gunicorn} for
 * {@link Server#GUNICORN})
 * @param workers worker processes to wait for: worker JVMs of multi-jvm, Gunicorn's
 * workers ({@code 0} for a single JVM)
 * @param full whether every workload runs; the baseline without the starter runs only the
 * hello workloads and startup, which is what its comparison needs
 * @param server what serves the requests
 */
public record AppModel(String id, String title, List<String> appArguments, int workers, boolean full, Server server) {

	AppModel(String id, String title, List<String> appArguments, int workers, boolean full) {
		this(id, title, appArguments, workers, full, Server.JVM);
	}

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

	public static final String PLATFORM = "platform";

	public static final String VIRTUAL = "virtual";

	public static final String NO_STARTER = "no-starter";

	public static final String GUNICORN_SYNC = "gunicorn-sync";

	public static final String GUNICORN_GTHREAD = "gunicorn-gthread";

	public static final String GUNICORN_GEVENT = "gunicorn-gevent";

	/**
	 * Connections a gevent worker takes at once. Gunicorn's default, 1,000, caps the 5
	 * workers of 2 cores at 5,000 connections, so 10,000 requests at once would measure
	 * the cap, not the server; 4,000 leaves room for the kernel's uneven spread of the
	 * connections over the workers.
	 */
	public static final int GEVENT_WORKER_CONNECTIONS = 4000;

	public static List<AppModel> all() {
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
		models.addAll(gunicorn(Runtime.getRuntime().availableProcessors()));
		return models;
	}

	/**
	 * The seed's stack, sized as Gunicorn's documentation advises for {@code cores}:
	 * {@code (2 × cores) + 1} workers for sync and gevent; for gthread, one worker a core
	 * with the upper end of the "2-4 × cores" threads advised, 2 × 8 on 2 cores.
	 */
	static List<AppModel> gunicorn(int cores) {
		int workers = 2 * cores + 1;
		int threads = 4 * cores;
		return List.of(
				new AppModel(GUNICORN_SYNC, "Gunicorn sync (" + workers + " workers)",
						List.of("--worker-class=sync", "--workers=" + workers), workers, true, Server.GUNICORN),
				new AppModel(GUNICORN_GTHREAD, "Gunicorn gthread (" + cores + " workers × " + threads + " threads)",
						List.of("--worker-class=gthread", "--workers=" + cores, "--threads=" + threads), cores, true,
						Server.GUNICORN),
				new AppModel(GUNICORN_GEVENT,
						String.format(Locale.ROOT, "Gunicorn gevent (%d workers × %,d connections)", workers,
								GEVENT_WORKER_CONNECTIONS),
						List.of("--worker-class=gevent", "--workers=" + workers,
								"--worker-connections=" + GEVENT_WORKER_CONNECTIONS),
						workers, true, Server.GUNICORN));
	}

	public static String multiJvmId(String workerModel, String balancer) {
		return "multi-jvm-" + workerModel + "-" + balancer;
	}

	public static List<AppModel> select(List<String> ids) {
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
		return this.server == Server.JVM && this.workers > 0;
	}

	public boolean gunicorn() {
		return this.server == Server.GUNICORN;
	}

	/**
	 * Whether the hello throughput of this model enters a ratio target, and is therefore
	 * measured in every round of the throughput step, not only the first.
	 */
	public boolean inThroughputTargets() {
		return !gunicorn() && !this.id.equals(PLATFORM_ONE);
	}

	/**
	 * What serves the requests.
	 */
	public enum Server {

		/** The sample app's jar, in a JVM of the suite's Java. */
		JVM,

		/** The Flask app under Debian's {@code /usr/bin/gunicorn}. */
		GUNICORN

	}

	static List<String> split(String jvmArgs) {
		return (jvmArgs == null || jvmArgs.isBlank()) ? List.of() : Arrays.asList(jvmArgs.strip().split("\\s+"));
	}

}
