package io.github.bootconcurrency.sample;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.redis.FailFastRedisProperties;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;
import io.github.bootconcurrency.autoconfigure.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import static io.github.bootconcurrency.sample.SampleAppAsDeployed.DEPLOY;
import static io.github.bootconcurrency.sample.SampleAppAsDeployed.ROOT;
import static io.github.bootconcurrency.sample.SampleAppAsDeployed.at;
import static io.github.bootconcurrency.sample.SampleAppAsDeployed.container;
import static io.github.bootconcurrency.sample.SampleAppAsDeployed.deployment;
import static io.github.bootconcurrency.sample.SampleAppAsDeployed.documents;
import static io.github.bootconcurrency.sample.SampleAppAsDeployed.list;
import static io.github.bootconcurrency.sample.SampleAppAsDeployed.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifests under {@code deploy/} against the real sample app: they parse, refer to
 * each other correctly, and the Deployment's probes, ports, timeouts and memory fit the
 * app started with the Deployment's own environment (see {@link SampleAppAsDeployed}).
 * Nothing is deployed: there is no cluster here.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class KubernetesManifestsTests {

	private static final String REDIS_PASSWORD = "k8s-Redis-Pa55";

	/**
	 * Live heap of the sample app at rest under the prod profile, with its Redis client:
	 * about 28 MiB measured (class histogram after a full GC), budgeted as 32 MiB.
	 */
	private static final long HEAP_AT_REST = 32L << 20;

	/**
	 * What G1 needs on top of the live data to collect without running back to back: the
	 * live set at most half the heap.
	 */
	private static final int GC_HEADROOM = 2;

	/**
	 * Memory of the JVM outside the heap: about 177 MiB committed at rest with a 768 MiB
	 * heap (native memory tracking: metaspace and class space, GC structures, code cache,
	 * the CDS archive, symbols, threads), budgeted with room for the code cache and
	 * metaspace to grow under load.
	 */
	private static final long NON_HEAP = 256L << 20;

	private static RedisServer redis;

	private static SampleAppAsDeployed app;

	@BeforeAll
	static void start() {
		redis = RedisServer.start(REDIS_PASSWORD);
		app = SampleAppAsDeployed.start(Map.of("concurrency-sample-redis/password", REDIS_PASSWORD), redis.port());
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
	void manifestsParseAndReferToEachOther() throws IOException {
		List<Path> kubernetes = files(DEPLOY.resolve("kubernetes"));
		assertThat(kubernetes).extracting((file) -> file.getFileName().toString())
			.contains("deployment.yaml", "service.yaml", "hpa.yaml", "kustomization.yaml");
		for (Path file : kubernetes) {
			for (Map<String, Object> object : documents(file)) {
				assertThat(object).as(file + ": a Kubernetes object").containsKeys("apiVersion", "kind");
			}
		}
		for (Path file : files(DEPLOY.resolve("prometheus"))) {
			assertThat(documents(file)).as(file + " parses to something").isNotEmpty();
		}
		Map<String, Object> deployment = deployment();
		String name = (String) at(deployment, "metadata", "name");
		Map<String, Object> podLabels = map(at(deployment, "spec", "template", "metadata", "labels"));
		assertThat(podLabels).as("the Deployment's selector selects its own pods")
			.containsAllEntriesOf(map(at(deployment, "spec", "selector", "matchLabels")));

		Map<String, Object> service = object("kubernetes/service.yaml", "Service");
		assertThat(podLabels).as("the Service selects the Deployment's pods")
			.containsAllEntriesOf(map(at(service, "spec", "selector")));
		for (Object entry : list(at(service, "spec", "ports"))) {
			int target = app.containerPort(map(entry).get("targetPort"));
			assertThat(target).as("the Service sends clients to the application's port, not the management port")
				.isEqualTo(app.declaredServerPort())
				.isNotEqualTo(app.declaredManagementPort());
		}

		List<Map<String, Object>> autoscalers = documents(DEPLOY.resolve("kubernetes/hpa.yaml")).stream()
			.filter((object) -> "HorizontalPodAutoscaler".equals(object.get("kind")))
			.filter((hpa) -> name.equals(at(hpa, "spec", "scaleTargetRef", "name")))
			.toList();
		assertThat(autoscalers).as("one autoscaler for the Deployment: Kubernetes refuses two (AmbiguousSelector)")
			.hasSize(1);
		Map<String, Object> hpa = autoscalers.get(0);
		assertThat(at(hpa, "spec", "scaleTargetRef", "kind")).isEqualTo("Deployment");
		Set<String> metricTypes = new HashSet<>();
		Set<String> adapterMetrics = adapterMetricNames();
		for (Object entry : list(at(hpa, "spec", "metrics"))) {
			Map<String, Object> metric = map(entry);
			metricTypes.add((String) metric.get("type"));
			if ("Pods".equals(metric.get("type"))) {
				assertThat(adapterMetrics).as("the Prometheus adapter serves the HPA's pod metric")
					.contains((String) at(metric, "pods", "metric", "name"));
			}
			if ("Resource".equals(metric.get("type"))) {
				String resource = (String) at(metric, "resource", "name");
				assertThat(map(at(container(deployment), "resources", "requests")))
					.as("a Utilization target is relative to the container's request for " + resource)
					.containsKey(resource);
			}
		}
		assertThat(metricTypes).containsExactlyInAnyOrder("Resource", "Pods");
		assertThat(((Number) at(hpa, "spec", "minReplicas")).intValue())
			.isLessThan(((Number) at(hpa, "spec", "maxReplicas")).intValue());

		Map<String, Object> kustomization = object("kubernetes/kustomization.yaml", "Kustomization");
		List<String> others = kubernetes.stream()
			.map((file) -> file.getFileName().toString())
			.filter((file) -> !file.equals("kustomization.yaml"))
			.toList();
		assertThat(list(kustomization.get("resources"))).as("kustomization.yaml applies every manifest")
			.containsExactlyInAnyOrderElementsOf(others);

		Map<String, Object> podMonitor = object("prometheus/podmonitor.yaml", "PodMonitor");
		assertThat(podLabels).containsAllEntriesOf(map(at(podMonitor, "spec", "selector", "matchLabels")));
	}

	@Test
	void probesAndScrapesAnswerOnTheDeploymentsPortsAndPaths() throws Exception {
		Map<String, Object> container = container(deployment());
		for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
			Map<String, Object> httpGet = map(at(container, probe, "httpGet"));
			int port = app.containerPort(httpGet.get("port"));
			String path = (String) httpGet.get("path");
			// docs/models.md, Health probes under load: under platform a probe on the
			// application's port waits for a thread with the requests; the management
			// server has threads of its own under every model.
			assertThat(port).as(probe + " uses the management port").isEqualTo(app.declaredManagementPort());
			HttpResponse<String> response = app.get(port, path);
			assertThat(response.statusCode()).as(probe + " GET " + path + " on " + port).isEqualTo(200);
			assertThat(response.body()).contains("\"status\":\"UP\"");
		}
		assertThat(at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
		assertThat(at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
		// Readiness leaves Redis out (fail-fast.redis.readiness is off by default): a
		// Redis outage must not take every pod out of the Service at once.
		assertThat(app.get(app.declaredManagementPort(), "/actuator/health/readiness").body())
			.contains("\"readinessState\"")
			.doesNotContain("\"redis\"");
		// The actuator really moved: the application's port does not serve the probes.
		assertThat(app.get(app.declaredServerPort(), "/actuator/health/liveness").statusCode()).isEqualTo(404);
		assertThat(app.get(app.declaredServerPort(), "/hello").body()).isEqualTo("Hello, World!");

		Map<String, Object> annotations = map(at(deployment(), "spec", "template", "metadata", "annotations"));
		assertThat(annotations).containsEntry("prometheus.io/scrape", "true");
		int scrapePort = Integer.parseInt((String) annotations.get("prometheus.io/port"));
		assertScrape(scrapePort, (String) annotations.get("prometheus.io/path"));
		Map<String, Object> endpoint = map(
				list(at(object("prometheus/podmonitor.yaml", "PodMonitor"), "spec", "podMetricsEndpoints")).get(0));
		assertScrape(app.containerPort(endpoint.get("port")), (String) endpoint.get("path"));
	}

	@Test
	void shutdownTimeoutsKeepTheirOrder() {
		Map<String, Object> deployment = deployment();
		Map<String, Object> container = container(deployment);
		Environment environment = app.context().getEnvironment();
		long grace = ((Number) at(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds")).longValue();
		long preStop = ((Number) at(container, "lifecycle", "preStop", "sleep", "seconds")).longValue();
		Duration phase = Binder.get(environment)
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(Duration.ofSeconds(30));
		assertThat(environment.getProperty("server.shutdown", "graceful")).as("server.shutdown").isEqualTo("graceful");

		assertThat(preStop).as("the preStop pause lets the endpoint's removal spread").isBetween(3L, 30L);
		assertThat(preStop).as("preStop sleep < terminationGracePeriodSeconds").isLessThan(grace);
		assertThat(preStop + phase.toSeconds())
			.as("preStop %d s + graceful shutdown phase %d s must end before SIGKILL at %d s", preStop,
					phase.toSeconds(), grace)
			.isLessThan(grace);

		ConcurrencySettings settings = app.context().getBean(ConcurrencySettings.class);
		assertThat(settings.model()).as("the model the Deployment runs").isEqualTo(ConcurrencyModel.VIRTUAL);
		assertThat(settings.queueTimeout())
			.as("a request that waits its whole queue timeout is still answered within the shutdown phase")
			.isLessThan(phase);

		for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
			int timeout = ((Number) at(container, probe, "timeoutSeconds")).intValue();
			int period = ((Number) at(container, probe, "periodSeconds")).intValue();
			assertThat(timeout).as(probe + " timeoutSeconds").isPositive().isLessThan(period);
		}
		// Liveness forgives a long pause (a full collection, a slow node): 30 s, and
		// readiness reacts sooner than liveness.
		assertThat(window(container, "livenessProbe")).isGreaterThanOrEqualTo(30);
		assertThat(window(container, "readinessProbe")).isLessThan(window(container, "livenessProbe"));
		// Startup covers the Redis check at startup at its slowest, plus 30 s to boot.
		FailFastRedisProperties failFast = Binder.get(environment)
			.bind("fail-fast.redis", FailFastRedisProperties.class)
			.orElseGet(FailFastRedisProperties::new);
		double redisCheck = failFast.getAttempts() * failFast.getTimeout().toMillis() / 1000.0;
		double backoff = failFast.getBackoff().toMillis() / 1000.0;
		for (int attempt = 1; attempt < failFast.getAttempts(); attempt++) {
			redisCheck += backoff;
			backoff *= failFast.getBackoffMultiplier();
		}
		assertThat((double) window(container, "startupProbe"))
			.as("startup probe window, Redis check %.0f s", redisCheck)
			.isGreaterThanOrEqualTo(redisCheck + 30);
	}

	@Test
	void memoryLimitHoldsTheHeapThatTheRequestsInFlightNeed() throws Exception {
		Map<String, Object> container = container(deployment());
		Map<String, Object> resources = map(container.get("resources"));
		long limit = quantityBytes(at(resources, "limits", "memory"));
		assertThat(quantityBytes(at(resources, "requests", "memory")))
			.as("memory request = limit: memory is not compressible")
			.isEqualTo(limit);
		String options = SampleAppAsDeployed.environment(container, Map.of("concurrency-sample-redis/password", "x"))
			.get("JAVA_TOOL_OPTIONS");
		assertThat(options).as("JAVA_TOOL_OPTIONS sets the heap").isNotNull();
		Matcher xmx = Pattern.compile("-Xmx(\\d+[kKmMgGtT]?)").matcher(options);
		assertThat(xmx.find()).as("-Xmx in " + options).isTrue();
		long heap = jvmBytes(xmx.group(1));

		ConcurrencySettings settings = app.context().getBean(ConcurrencySettings.class);
		long perRequest = measuredHeapPerRequestInFlight();
		long needed = GC_HEADROOM * (settings.requestLimit() * perRequest + HEAP_AT_REST);
		assertThat(heap)
			.as("heap for %d requests in flight x %d B + %d MiB at rest, x %d", settings.requestLimit(), perRequest,
					HEAP_AT_REST >> 20, GC_HEADROOM)
			.isGreaterThanOrEqualTo(needed);
		assertThat(limit - heap).as("room outside the heap").isGreaterThanOrEqualTo(NON_HEAP);
		// That the JVM accepts the options is DeploymentJavaToolOptionsIT's: the fast
		// lane
		// starts no JVM.
	}

	@Test
	void secretsComeFromSecretReferencesAndNoSecretIsCommitted() throws IOException {
		for (Object entry : list(container(deployment()).get("env"))) {
			Map<String, Object> variable = map(entry);
			String name = ((String) variable.get("name")).toUpperCase(Locale.ROOT);
			if (name.matches(".*(PASSWORD|SECRET|TOKEN|CREDENTIAL).*")) {
				assertThat(variable).as(name + " comes from a Secret, never a value").doesNotContainKey("value");
				assertThat(map(at(variable, "valueFrom"))).containsKey("secretKeyRef");
			}
		}
		assertThat(SampleAppAsDeployed.environment(container(deployment()),
				Map.of("concurrency-sample-redis/password", "x")))
			.containsKey("REDIS_PASSWORD");
		for (Path file : files(DEPLOY)) {
			for (Map<String, Object> object : documents(file)) {
				assertThat(object.get("kind")).as(file + " holds no Secret").isNotEqualTo("Secret");
			}
		}
	}

	private static void assertScrape(int port, String path) throws Exception {
		assertThat(port).as("Prometheus scrapes the management port").isEqualTo(app.declaredManagementPort());
		HttpResponse<String> response = app.get(port, path);
		assertThat(response.statusCode()).as("scrape GET " + path + " on " + port).isEqualTo(200);
		assertThat(response.body()).contains("concurrency_requests_limit{");
	}

	private static int window(Map<String, Object> container, String probe) {
		return ((Number) at(container, probe, "periodSeconds")).intValue()
				* ((Number) at(container, probe, "failureThreshold")).intValue();
	}

	/**
	 * The bytes per request in flight that docs/benchmarks/in-flight-heap.md measured.
	 */
	static long measuredHeapPerRequestInFlight() throws IOException {
		String report = Files.readString(ROOT.resolve("docs/benchmarks/in-flight-heap.md"));
		Matcher all = Pattern.compile("\\*\\*all classes\\*\\*.*\\*\\*(\\d+)\\*\\*").matcher(report);
		assertThat(all.find()).as("the 'all classes' row of in-flight-heap.md").isTrue();
		return Long.parseLong(all.group(1));
	}

	/**
	 * Parse a Kubernetes memory quantity (1Gi, 768Mi, 1G) to bytes.
	 */
	static long quantityBytes(Object quantity) {
		Matcher matcher = Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?").matcher(quantity.toString());
		assertThat(matcher.matches()).as("a Kubernetes memory quantity: " + quantity).isTrue();
		long number = Long.parseLong(matcher.group(1));
		return switch ((matcher.group(2) != null) ? matcher.group(2) : "") {
			case "" -> number;
			case "Ki" -> number << 10;
			case "Mi" -> number << 20;
			case "Gi" -> number << 30;
			case "Ti" -> number << 40;
			case "k" -> number * 1_000L;
			case "M" -> number * 1_000_000L;
			case "G" -> number * 1_000_000_000L;
			default -> number * 1_000_000_000_000L;
		};
	}

	/**
	 * Parse a JVM size (768m, 1g, 524288k, 805306368) to bytes.
	 */
	static long jvmBytes(String size) {
		Matcher matcher = Pattern.compile("(\\d+)([kKmMgGtT]?)").matcher(size);
		assertThat(matcher.matches()).as("a JVM size: " + size).isTrue();
		int shift = switch (matcher.group(2).toLowerCase(Locale.ROOT)) {
			case "k" -> 10;
			case "m" -> 20;
			case "g" -> 30;
			case "t" -> 40;
			default -> 0;
		};
		return Long.parseLong(matcher.group(1)) << shift;
	}

	private static Set<String> adapterMetricNames() {
		Set<String> names = new HashSet<>();
		Map<String, Object> values = documents(DEPLOY.resolve("prometheus/prometheus-adapter-values.yaml")).get(0);
		for (Object rule : list(at(values, "rules", "custom"))) {
			names.add((String) at(rule, "name", "as"));
		}
		return names;
	}

	private static Map<String, Object> object(String file, String kind) {
		return documents(DEPLOY.resolve(file)).stream()
			.filter((object) -> kind.equals(object.get("kind")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No " + kind + " in deploy/" + file));
	}

	private static List<Path> files(Path directory) throws IOException {
		try (Stream<Path> files = Files.walk(directory)) {
			return files.filter((file) -> file.toString().matches(".*\\.ya?ml$")).sorted().toList();
		}
	}

}
