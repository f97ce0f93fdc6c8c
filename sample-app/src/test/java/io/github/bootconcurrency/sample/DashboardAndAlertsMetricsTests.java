package io.github.bootconcurrency.sample;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.github.bootconcurrency.sample.SampleAppAsDeployed.DEPLOY;
import static io.github.bootconcurrency.sample.SampleAppAsDeployed.at;
import static io.github.bootconcurrency.sample.SampleAppAsDeployed.deployment;
import static io.github.bootconcurrency.sample.SampleAppAsDeployed.documents;
import static io.github.bootconcurrency.sample.SampleAppAsDeployed.list;
import static io.github.bootconcurrency.sample.SampleAppAsDeployed.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every metric that the Grafana dashboard, the Prometheus alert rules and the Prometheus
 * adapter's rule query is one that the sample app publishes, as Prometheus scrapes it
 * from the app started as the Deployment starts it (after a few requests), on the port
 * and path of the Deployment's scrape annotations.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DashboardAndAlertsMetricsTests {

	private static final Path DASHBOARD = DEPLOY.resolve("grafana/concurrency-dashboard.json");

	private static final Path ALERTS = DEPLOY.resolve("prometheus/concurrency-alerts.yml");

	private static final Path ADAPTER = DEPLOY.resolve("prometheus/prometheus-adapter-values.yaml");

	private static final String MASTER_PREFIX = "concurrency_master_";

	/**
	 * The Prometheus names of {@code concurrency.requests.timed-out} and {@code .stuck},
	 * which the sample app, without {@code concurrency.request-timeout}, does not
	 * publish.
	 */
	private static final Set<String> DEADLINE_SERIES = Set.of("concurrency_requests_stuck",
			"concurrency_requests_timed_out_total");

	/**
	 * The series Prometheus writes itself for every target: {@code up}, 0 when the scrape
	 * failed, which tells a pod that is still a target but answers no scrape from one
	 * that is gone.
	 */
	private static final Set<String> PROMETHEUS_SERIES = Set.of("up");

	private static final Path MASTER_SOURCES = SampleAppAsDeployed.ROOT
		.resolve("autoconfigure/src/main/java/io/github/bootconcurrency/autoconfigure/multijvm/master");

	private static final Pattern MASTER_SERIES_LITERAL = Pattern.compile("\"(concurrency_master_[a-z_]+)\"");

	private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:$])[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\\s*\\()");

	private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
			"bool", "and", "or", "unless", "offset", "inf", "nan");

	private static final String REDIS_PASSWORD = "dashboard-Redis-Pa55";

	private final JsonMapper json = JsonMapper.builder().build();

	private static RedisServer redis;

	private static SampleAppAsDeployed app;

	private static int scrapePort;

	private static String scrapePath;

	@BeforeAll
	static void start() throws Exception {
		redis = RedisServer.start(REDIS_PASSWORD);
		app = SampleAppAsDeployed.start(Map.of("concurrency-sample-redis/password", REDIS_PASSWORD), redis.port());
		Map<String, Object> annotations = map(at(deployment(), "spec", "template", "metadata", "annotations"));
		scrapePort = Integer.parseInt((String) annotations.get("prometheus.io/port"));
		scrapePath = (String) annotations.get("prometheus.io/path");
		for (String path : List.of("/hello", "/io-bound?s=0", "/visits", "/hello")) {
			assertThat(app.get(app.declaredServerPort(), path).statusCode()).isEqualTo(200);
		}
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void everyMetricTheDashboardAndTheRulesQueryIsPublishedByTheApp() throws Exception {
		Map<String, Set<String>> queried = new LinkedHashMap<>();
		queried.put("deploy/grafana/concurrency-dashboard.json", dashboardMetrics());
		queried.put("deploy/prometheus/concurrency-alerts.yml", alertMetrics());
		queried.put("deploy/prometheus/prometheus-adapter-values.yaml", adapterMetrics());
		Set<String> all = new TreeSet<>();
		queried.values().forEach(all::addAll);
		// The assets cover rejected, waiting, and in flight against the limit.
		assertThat(all).contains("concurrency_requests_rejected_total", "concurrency_requests_waiting",
				"concurrency_requests_active", "concurrency_requests_limit");

		Set<String> published = scrapedNames();
		// No exception but the multi-jvm master's own series, which a single JVM does not
		// publish, the deadline meters, which exist only with concurrency.request-timeout
		// set (their names are checked below), and Prometheus's own up: a meter the
		// assets query and the app lacks is an empty panel or a silent alert in
		// production.
		Map<String, Set<String>> unknown = new TreeMap<>();
		queried.forEach((source, names) -> names.stream()
			.filter((name) -> !published.contains(name) && !name.startsWith(MASTER_PREFIX)
					&& !DEADLINE_SERIES.contains(name) && !PROMETHEUS_SERIES.contains(name))
			.forEach((name) -> unknown.computeIfAbsent(source, (key) -> new TreeSet<>()).add(name)));
		assertThat(unknown).as("metrics that the assets query and the app does not publish on %s", scrapePath)
			.isEmpty();
		// The adapter serves the HPA the gauge of requests waiting, and nothing else.
		assertThat(queried.get("deploy/prometheus/prometheus-adapter-values.yaml"))
			.containsExactly("concurrency_requests_waiting");
	}

	@Test
	void theMasterSeriesTheRulesQueryAreOnesTheMasterWrites() throws IOException {
		Set<String> queried = new TreeSet<>(alertMetrics());
		queried.removeIf((name) -> !name.startsWith(MASTER_PREFIX));
		assertThat(queried).as("the multi-jvm rules query the master's series")
			.contains("concurrency_master_workers_replaced_total", "concurrency_master_workers",
					"concurrency_master_scrape_errors_total");
		// The master has no Micrometer registry: it writes its series' names as literals.
		Set<String> written = new TreeSet<>();
		try (Stream<Path> sources = Files.walk(MASTER_SOURCES)) {
			for (Path source : sources.filter((file) -> file.toString().endsWith(".java")).toList()) {
				Matcher literal = MASTER_SERIES_LITERAL.matcher(Files.readString(source));
				while (literal.find()) {
					written.add(literal.group(1));
				}
			}
		}
		assertThat(written).as("series written in %s", MASTER_SOURCES).containsAll(queried);
	}

	@Test
	void everySelectorOfTheRulesNamesTheApplicationAndTheScrapeCarriesIt() throws Exception {
		for (Object group : list(at(documents(ALERTS).get(0), "groups"))) {
			for (Object rule : list(at(group, "rules"))) {
				String expr = (String) at(rule, "expr");
				assertThat(expr).as("%s is scoped to one application", at(rule, "alert"))
					.contains("application=\"concurrency-sample\"");
			}
		}
		HttpResponse<String> scrape = app.get(scrapePort, scrapePath);
		assertThat(scrape.body().lines().filter((line) -> line.startsWith("concurrency_requests_limit{")))
			.as("the app tags its meters with the application the rules select")
			.isNotEmpty()
			.allMatch((line) -> line.contains("application=\"concurrency-sample\""));
	}

	@Test
	void theWaitPanelAndTheWaitAlertReadAdmittedRequestsOnly() throws IOException {
		// A rejected request waits the whole queue timeout: with it, every rejection
		// would
		// read as a long wait.
		List<String> expressions = new ArrayList<>();
		for (JsonNode panel : this.json.readTree(Files.readString(DASHBOARD)).get("panels")) {
			for (JsonNode target : panel.path("targets")) {
				expressions.add(target.get("expr").asString());
			}
		}
		for (Object group : list(at(documents(ALERTS).get(0), "groups"))) {
			for (Object rule : list(at(group, "rules"))) {
				expressions.add((String) at(rule, "expr"));
			}
		}
		Pattern waitSelector = Pattern.compile("concurrency_requests_wait_seconds_\\w+(\\{[^}]*})?");
		List<String> selectors = new ArrayList<>();
		for (String expression : expressions) {
			Matcher matcher = waitSelector.matcher(expression);
			while (matcher.find()) {
				selectors.add(matcher.group());
			}
		}
		assertThat(selectors).as("the wait timer's selectors")
			.isNotEmpty()
			.allMatch((selector) -> selector.contains("outcome=\"admitted\""));
	}

	@Test
	void micrometerNamesBecomeThePrometheusNamesTheAssetsUse() throws Exception {
		Set<String> published = scrapedNames();
		Set<String> concurrencyMeters = concurrencyMeters();
		assertThat(concurrencyMeters).contains("concurrency.requests.limit", "concurrency.requests.active",
				"concurrency.requests.peak", "concurrency.requests.waiting", "concurrency.requests.completed",
				"concurrency.requests.rejected");
		for (String meter : concurrencyMeters) {
			JsonNode measurements = this.json.readTree(app.get(scrapePort, "/actuator/metrics/" + meter).body())
				.get("measurements");
			Set<String> statistics = new TreeSet<>();
			measurements.forEach((measurement) -> statistics.add(measurement.get("statistic").asString()));
			Set<String> expected = prometheusNames(meter, statistics);
			expected.remove(meter.replace('.', '_') + "_seconds_bucket");
			assertThat(published).as("%s (%s) in Prometheus's names", meter, statistics).containsAll(expected);
		}
		assertThat(prometheusNames("concurrency.requests.rejected", Set.of("COUNT")))
			.containsExactly("concurrency_requests_rejected_total");
		Set<String> deadlineSeries = new TreeSet<>(prometheusNames("concurrency.requests.timed-out", Set.of("COUNT")));
		deadlineSeries.addAll(prometheusNames("concurrency.requests.stuck", Set.of("VALUE")));
		assertThat(deadlineSeries).isEqualTo(DEADLINE_SERIES);
	}

	@Test
	void metricNamesAreFoundInPromQl() {
		assertThat(metricNames("histogram_quantile(0.99, sum by (le, pod) (rate(a_seconds_bucket{pod=~\"$pod\"}"
				+ "[$__rate_interval]))) / on(pod) group_left b > 1e3 and absent(c) offset 5m"))
			.containsExactlyInAnyOrder("a_seconds_bucket", "b", "c");
		assertThat(metricNames("label_values(concurrency_requests_limit{namespace=~\"$namespace\"}, pod)"))
			.containsExactly("concurrency_requests_limit");
		assertThat(metricNames("sum(avg_over_time(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)")).isEmpty();
	}

	private Set<String> concurrencyMeters() throws Exception {
		JsonNode names = this.json.readTree(app.get(scrapePort, "/actuator/metrics").body()).get("names");
		Set<String> meters = new TreeSet<>();
		for (JsonNode name : names) {
			if (name.asString().startsWith("concurrency.")) {
				meters.add(name.asString());
			}
		}
		return meters;
	}

	private Set<String> dashboardMetrics() throws IOException {
		JsonNode dashboard = this.json.readTree(Files.readString(DASHBOARD));
		Set<String> names = new TreeSet<>();
		int targets = 0;
		for (JsonNode panel : dashboard.get("panels")) {
			for (JsonNode target : panel.path("targets")) {
				String expr = target.get("expr").asString();
				assertThat(metricNames(expr)).as("panel '%s' queries a metric: %s", panel.get("title"), expr)
					.isNotEmpty();
				names.addAll(metricNames(expr));
				targets++;
			}
		}
		assertThat(targets).isPositive();
		for (JsonNode variable : dashboard.path("templating").path("list")) {
			if ("query".equals(variable.path("type").asString())) {
				JsonNode query = variable.get("query");
				names.addAll(metricNames(query.isObject() ? query.get("query").asString() : query.asString()));
			}
		}
		return names;
	}

	private static Set<String> alertMetrics() {
		Set<String> names = new TreeSet<>();
		for (Object group : list(at(documents(ALERTS).get(0), "groups"))) {
			for (Object rule : list(at(group, "rules"))) {
				names.addAll(metricNames((String) at(rule, "expr")));
			}
		}
		return names;
	}

	private static Set<String> adapterMetrics() {
		Set<String> names = new TreeSet<>();
		for (Object rule : list(at(documents(ADAPTER).get(0), "rules", "custom"))) {
			names.addAll(metricNames((String) at(rule, "seriesQuery")));
			names.addAll(metricNames((String) at(rule, "metricsQuery")));
		}
		return names;
	}

	private static Set<String> scrapedNames() throws Exception {
		HttpResponse<String> scrape = app.get(scrapePort, scrapePath);
		assertThat(scrape.statusCode()).isEqualTo(200);
		Set<String> names = new TreeSet<>();
		for (String line : scrape.body().split("\n")) {
			if (!line.isBlank() && !line.startsWith("#")) {
				names.add(line.split("[{ ]", 2)[0]);
			}
		}
		return names;
	}

	/**
	 * Return the names Prometheus sees for a Micrometer meter: dots and hyphens become
	 * underscores (Micrometer's {@code PrometheusNamingConvention}), a counter ends in
	 * {@code _total}, a timer becomes {@code _seconds_count}, {@code _sum}, {@code _max}
	 * (and {@code _bucket} with a histogram).
	 */
	static Set<String> prometheusNames(String meter, Set<String> statistics) {
		String base = meter.replace('.', '_').replace('-', '_');
		if (statistics.contains("TOTAL_TIME")) {
			return new TreeSet<>(Set.of(base + "_seconds_count", base + "_seconds_sum", base + "_seconds_max",
					base + "_seconds_bucket"));
		}
		if (statistics.equals(Set.of("COUNT"))) {
			return new TreeSet<>(Set.of(base + "_total"));
		}
		return new TreeSet<>(Set.of(base));
	}

	/**
	 * Return the metric names a PromQL expression (or a Grafana or adapter template of
	 * one) selects: what is left once strings, label matchers, ranges, variables and
	 * label lists are taken out, that is not a function, an aggregation or a keyword.
	 */
	static Set<String> metricNames(String promql) {
		String query = promql.replaceAll("<<[^>]*>>", " ")
			.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
			.replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''")
			.replaceAll("\\{[^}]*}", " ")
			.replaceAll("\\[[^\\]]*\\]", " ")
			.replaceAll("\\$\\{?\\w+}?", " ")
			.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
			.replaceAll("label_values\\(\\s*([^,()]*?)\\s*,\\s*\\w+\\s*\\)", "$1");
		Set<String> names = new TreeSet<>();
		Matcher matcher = IDENTIFIER.matcher(query);
		while (matcher.find()) {
			if (!KEYWORDS.contains(matcher.group())) {
				names.add(matcher.group());
			}
		}
		return names;
	}

}
