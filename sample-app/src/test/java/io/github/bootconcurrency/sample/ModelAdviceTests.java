package io.github.bootconcurrency.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The concurrency endpoint's advice, read from the sample app serving the two routes of
 * the Gunicorn experiment under load: {@code /io-bound} is judged IO-bound and
 * {@code virtual} advised, {@code /cpu-bound} CPU-bound and {@code platform} advised. The
 * load runs in this JVM, on 127.0.0.1, bounded in count and time; its own CPU time is
 * part of the process's, which only makes {@code /io-bound} harder to call IO-bound.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ModelAdviceTests {

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private ConfigurableApplicationContext context;

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void ioBoundRouteIsCalledIoBoundAndVirtualIsAdvisedOverASaturatedPlatformPool() throws Exception {
		start("--concurrency.platform.max-threads=50");
		// Twice as many clients as threads: the pool is full throughout.
		int handled = load("/io-bound?s=0.5", 100, 400, Duration.ofSeconds(6));
		String advice = advice();
		assertThat(handled).isGreaterThanOrEqualTo(100);
		assertThat(field(advice, "category")).as(advice).isEqualTo("io-bound");
		assertThat(field(advice, "advisedModel")).as(advice).isEqualTo("virtual");
		assertThat(number(advice, "blockingRatio")).as(advice).isGreaterThanOrEqualTo(0.8);
		assertThat(number(advice, "saturatedSeconds")).as(advice).isGreaterThanOrEqualTo(1);
		assertThat(number(advice, "peakInFlight")).as(advice).isEqualTo(50);
		assertThat(field(advice, "recommendation")).as(advice)
			.contains("of their time waiting (IO-bound): `virtual` fits")
			.contains("`platform` with 50 threads was saturated for ");
	}

	@Test
	void cpuBoundRouteIsCalledCpuBoundAndPlatformIsAdvised() throws Exception {
		start();
		// One client: the route takes seconds, and a second client would only make each
		// request wait for a core on a machine of two. It stops once the requests ran for
		// the 10 s the advice needs, by their own measure, which is within the gate's.
		double handlerSeconds = 0;
		long end = System.nanoTime() + Duration.ofSeconds(25).toNanos();
		while (handlerSeconds < 10 && System.nanoTime() < end) {
			HttpResponse<String> response = get("/cpu-bound");
			assertThat(response.statusCode()).isEqualTo(200);
			handlerSeconds += number(response.body(), "seconds");
		}
		String advice = advice();
		assertThat(number(advice, "wallSeconds")).as(advice).isGreaterThanOrEqualTo(10);
		assertThat(field(advice, "category")).as(advice).isEqualTo("cpu-bound");
		assertThat(field(advice, "advisedModel")).as(advice).isEqualTo("platform");
		assertThat(field(advice, "recommendation")).as(advice)
			.contains("threads beyond the " + Runtime.getRuntime().availableProcessors() + " cores only queue")
			.contains("`multi-jvm` adds isolation, not speed");
	}

	@Test
	void noAdviceIsGivenWithoutTraffic() throws Exception {
		start();
		String advice = advice();
		assertThat(field(advice, "category")).as(advice).isEqualTo("unknown");
		assertThat(field(advice, "recommendation")).as(advice).startsWith("No advice: too few requests");
	}

	@Test
	void adviceIsOffByDefault() throws Exception {
		this.context = new SpringApplicationBuilder(SampleApplication.class).run("--server.port=0");
		assertThat(get("/actuator/concurrency").body()).contains("\"requests\":").doesNotContain("\"advice\"");
	}

	private void start(String... arguments) {
		String[] all = new String[arguments.length + 2];
		all[0] = "--server.port=0";
		all[1] = "--concurrency.advice.enabled=true";
		System.arraycopy(arguments, 0, all, 2, arguments.length);
		this.context = new SpringApplicationBuilder(SampleApplication.class).run(all);
	}

	/**
	 * Send requests from a number of clients, each sending its next request when the last
	 * is answered, until a number of them is answered or time is up.
	 */
	private int load(String path, int clients, int requests, Duration atMost) throws Exception {
		AtomicInteger sent = new AtomicInteger();
		Queue<Integer> statuses = new ConcurrentLinkedQueue<>();
		Queue<Exception> failures = new ConcurrentLinkedQueue<>();
		long end = System.nanoTime() + atMost.toNanos();
		try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < clients; i++) {
				executor.execute(() -> {
					while (sent.incrementAndGet() <= requests && System.nanoTime() < end) {
						try {
							statuses.add(get(path).statusCode());
						}
						catch (Exception ex) {
							failures.add(ex);
							return;
						}
					}
				});
			}
			executor.shutdown();
			assertThat(executor.awaitTermination(atMost.toSeconds() + 60, TimeUnit.SECONDS)).isTrue();
		}
		// Asserted on the test's thread: in a client's, a failed assertion would only
		// have ended that client.
		assertThat(failures).isEmpty();
		assertThat(statuses).as("statuses answered").containsOnly(200);
		return statuses.size();
	}

	private String advice() throws Exception {
		String body = get("/actuator/concurrency").body();
		int start = body.indexOf("\"advice\":{");
		assertThat(start).as(body).isNotNegative();
		return body.substring(start);
	}

	private static String field(String json, String name) {
		Matcher matcher = Pattern.compile("\"" + name + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
		assertThat(matcher.find()).as(name + " in " + json).isTrue();
		return matcher.group(1);
	}

	private static double number(String json, String name) {
		Matcher matcher = Pattern.compile("\"" + name + "\":(-?[0-9.Ee+-]+)").matcher(json);
		assertThat(matcher.find()).as(name + " in " + json).isTrue();
		return Double.parseDouble(matcher.group(1));
	}

	private HttpResponse<String> get(String path) throws Exception {
		String port = this.context.getEnvironment().getProperty("local.server.port");
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(60))
			.build();
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
