package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.EachBalancer;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /actuator/prometheus} through a multi-jvm master, with real worker JVMs and both
 * balancers: one scrape holds every worker's series, labelled with the worker's slot, and
 * the master's own; a worker's counters only grow from scrape to scrape; a replaced
 * worker's successor keeps its slot's label; a stopped worker is left out within the time
 * bound and counted.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiJvmPrometheusIT {

	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*\\})? (\\S+)$");

	private static final Pattern WORKER = Pattern.compile("worker=\"(\\d+)\"");

	/**
	 * How long a scrape may take while a worker is stopped: the master's own bound for
	 * the workers' answers (3 s) several times over, for a loaded machine.
	 */
	private static final Duration STOPPED_SCRAPE_TIMEOUT = Duration.ofSeconds(20);

	private final HttpClient client = HttpClient.newHttpClient();

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	private MasterProcess master;

	@EachBalancer
	void oneScrapeShowsEveryWorkerBySlotWithCountersThatOnlyGrowAndASlotThatOutlivesItsWorker(Balancer balancer)
			throws Exception {
		this.master = start(balancer, 2);
		this.master.awaitReady(2);
		String first = scrape();
		assertThat(workerLabels(first)).containsExactly("1", "2");
		assertThat(first).contains("concurrency_master_workers{state=\"ready\"} 2.0")
			.contains("concurrency_master_workers_spawned_total 2.0")
			.contains("concurrency_master_workers_target 2.0")
			// Both boots, once each; from classes the master keeps no AOT cache.
			.contains("# TYPE concurrency_master_worker_boot_seconds histogram")
			.contains("concurrency_master_worker_boot_seconds_count{aot_cache=\"off\"} 2.0")
			.contains("concurrency_master_worker_boot_seconds_bucket{aot_cache=\"off\",le=\"+Inf\"} 2.0");
		assertThat(first.contains("concurrency_master_held_requests ")).isEqualTo(balancer == Balancer.PROXY);
		assertNoRepeatedHeaders(first);

		Map<String, Double> previous = counters(first);
		for (int round = 0; round < 4; round++) {
			for (int request = 0; request < 5; request++) {
				get("/where");
			}
			Map<String, Double> next = counters(scrape());
			previous.forEach((series, value) -> {
				if (next.containsKey(series)) {
					assertThat(next.get(series)).as(series).isGreaterThanOrEqualTo(value);
				}
			});
			assertThat(next.keySet()).containsAll(previous.keySet().stream().filter(this::isRequestCount).toList());
			previous = next;
		}

		Map<String, String> startTimes = startTimes(scrape());
		MasterProcess.signal("KILL", this.master.readyPids().get(0));
		this.master.awaitReady(3);
		String after = scrape();
		assertThat(workerLabels(after)).containsExactly("1", "2");
		Map<String, String> restarted = startTimes(after);
		assertThat(restarted.keySet()).containsExactlyInAnyOrderElementsOf(startTimes.keySet());
		assertThat(restarted.keySet().stream().filter((slot) -> !restarted.get(slot).equals(startTimes.get(slot))))
			.hasSize(1);
		assertThat(after).contains("concurrency_master_worker_restarts_total 1.0");
		assertNoRepeatedHeaders(after);
	}

	/**
	 * The balancer may hand a scrape to the stopped worker itself, which answers nothing
	 * until it runs again: that is no fault of the scrape. So several are sent at once,
	 * every outcome is kept, and those that the running worker answered are checked.
	 *
	 * <p>
	 * The time bound is the request timeout, not a tighter one that a loaded machine
	 * would break: the stopped worker runs again only once every scrape has ended, so a
	 * scrape that waited for it could not be answered at all.
	 */
	@Test
	void aStoppedWorkerIsLeftOutOfTheScrapeWithinItsTimeBoundAndCounted() throws Exception {
		this.master = start(Balancer.PROXY, 2);
		this.master.awaitReady(2);
		String before = scrape();
		assertThat(workerLabels(before)).containsExactly("1", "2");
		Map<String, Double> errorsBefore = scrapeErrors(before);
		assertThat(errorsBefore).as("errors counted from the first scrape on").containsOnlyKeys("1", "2");
		long stopped = this.master.readyPids().get(0);
		MasterProcess.signal("STOP", stopped);
		List<ScrapeOutcome> outcomes;
		try {
			List<CompletableFuture<ScrapeOutcome>> scrapes = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				scrapes.add(this.client
					.sendAsync(scrapeRequest(STOPPED_SCRAPE_TIMEOUT), HttpResponse.BodyHandlers.ofString())
					.handle(ScrapeOutcome::of));
			}
			outcomes = new ArrayList<>();
			for (CompletableFuture<ScrapeOutcome> scrape : scrapes) {
				outcomes.add(scrape.get(STOPPED_SCRAPE_TIMEOUT.plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS));
			}
		}
		finally {
			MasterProcess.signal("CONT", stopped);
		}
		List<String> answered = outcomes.stream().filter(ScrapeOutcome::ok).map(ScrapeOutcome::body).toList();
		assertThat(answered)
			.as("scrapes the running worker answered while worker %d was stopped, of %s", stopped, outcomes)
			.isNotEmpty();
		for (String scrape : answered) {
			Set<String> labels = workerLabels(scrape);
			assertThat(labels).hasSize(1);
			String missing = labels.contains("1") ? "2" : "1";
			assertThat(scrapeErrors(scrape).get(missing)).as("scrape errors of the stopped worker's slot %s", missing)
				.isGreaterThan(errorsBefore.get(missing));
		}
		assertThat(workerLabels(scrape())).containsExactly("1", "2");
	}

	/**
	 * What became of one scrape: its status and body, or why it got none.
	 */
	private record ScrapeOutcome(int status, String body, String failure) {

		static ScrapeOutcome of(HttpResponse<String> response, Throwable failure) {
			return (response != null) ? new ScrapeOutcome(response.statusCode(), response.body(), null)
					: new ScrapeOutcome(-1, null, String.valueOf(failure));
		}

		boolean ok() {
			return this.status == 200;
		}

		@Override
		public String toString() {
			return (this.failure != null) ? this.failure : "status " + this.status;
		}

	}

	/**
	 * The value of {@code concurrency_master_scrape_errors_total} by worker slot.
	 */
	private static Map<String, Double> scrapeErrors(String scrape) {
		Map<String, Double> errors = new TreeMap<>();
		for (String line : scrape.lines().toList()) {
			Matcher sample = SAMPLE.matcher(line);
			if (sample.matches() && sample.group(1).equals("concurrency_master_scrape_errors_total")) {
				Matcher worker = WORKER.matcher(sample.group(2));
				assertThat(worker.find()).as(line).isTrue();
				errors.put(worker.group(1), Double.parseDouble(sample.group(3)));
			}
		}
		return errors;
	}

	private MasterProcess start(Balancer balancer, int workers) throws Exception {
		return this.masters.start(balancer, workers, "--management.endpoints.web.exposure.include=health,prometheus");
	}

	private boolean isRequestCount(String series) {
		return series.startsWith("http_server_requests_seconds_count") && series.contains("uri=\"/where\"");
	}

	private static Set<String> workerLabels(String scrape) {
		Set<String> labels = new TreeSet<>();
		for (String line : scrape.lines().filter((line) -> !line.startsWith("#")).toList()) {
			if (line.startsWith("concurrency_master_")) {
				continue;
			}
			Matcher matcher = WORKER.matcher(line);
			assertThat(matcher.find()).as(line).isTrue();
			labels.add(matcher.group(1));
		}
		return labels;
	}

	/**
	 * Every counter sample of a scrape, by series: counters and the counts and sums of
	 * timers.
	 */
	private static Map<String, Double> counters(String scrape) {
		Set<String> counterFamilies = new HashSet<>();
		Map<String, Double> counters = new HashMap<>();
		for (String line : scrape.lines().toList()) {
			if (line.startsWith("# TYPE ") && line.endsWith(" counter")) {
				counterFamilies.add(line.split(" ")[2]);
			}
			Matcher sample = SAMPLE.matcher(line);
			if (sample.matches() && (counterFamilies.contains(sample.group(1)) || sample.group(1).endsWith("_count"))) {
				counters.put(sample.group(1) + sample.group(2), Double.parseDouble(sample.group(3)));
			}
		}
		return counters;
	}

	private static Map<String, String> startTimes(String scrape) {
		Map<String, String> startTimes = new HashMap<>();
		scrape.lines().filter((line) -> line.startsWith("process_start_time_seconds{")).forEach((line) -> {
			Matcher worker = WORKER.matcher(line);
			assertThat(worker.find()).isTrue();
			startTimes.put(worker.group(1), line.substring(line.lastIndexOf(' ') + 1));
		});
		return startTimes;
	}

	private static void assertNoRepeatedHeaders(String scrape) {
		List<String> headers = new ArrayList<>(scrape.lines().filter((line) -> line.startsWith("# ")).map((line) -> {
			String[] words = line.split(" ", 4);
			return words[1] + " " + words[2];
		}).toList());
		assertThat(headers).doesNotHaveDuplicates();
	}

	private String scrape() throws Exception {
		HttpResponse<String> response = this.client.send(scrapeRequest(Duration.ofSeconds(30)),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/plain;version=0.0.4"));
		return response.body();
	}

	private HttpRequest scrapeRequest(Duration timeout) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.master.port() + "/actuator/prometheus"))
			.timeout(timeout)
			.build();
	}

	private void get(String path) throws Exception {
		HttpResponse<String> response = this.client
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.master.port() + path))
				.timeout(Duration.ofSeconds(20))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
	}

}
