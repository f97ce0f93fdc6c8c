package io.github.bootconcurrency.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app started as a user starts it, once per profile: the profile alone
 * switches the model, and the routes of the Gunicorn experiment answer on the model's
 * kind of thread.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SampleApplicationProfilesTests {

	static final String REDIS_PASSWORD = "pr0d-Redis-Pa55";

	private static RedisServer redis;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private ConfigurableApplicationContext context;

	@BeforeAll
	static void startRedis() {
		redis = RedisServer.start(REDIS_PASSWORD);
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void withoutAProfileTheDefaultPlatformModelServes() throws Exception {
		start();
		String concurrency = get("/actuator/concurrency").body();
		assertThat(concurrency).contains("\"model\":\"platform\"")
			.contains("default (concurrency.model is not set)")
			.contains("\"platform.max-threads\":200")
			.contains("\"server\":\"tomcat\"");
		assertThat(get("/hello").body()).isEqualTo("Hello, World!");
		assertThat(get("/io-bound?s=0.05").body()).contains("\"virtualThread\":false");
		HttpResponse<String> visits = get("/visits");
		assertThat(visits.statusCode()).isEqualTo(503);
		assertThat(visits.body()).contains("No Redis in this profile");
	}

	@Test
	void devProfileServesWithFourPlatformThreads() throws Exception {
		start("dev");
		String concurrency = get("/actuator/concurrency").body();
		assertThat(concurrency).contains("\"model\":\"platform\"")
			.contains("application-dev.yml")
			.contains("\"activeProfiles\":[\"dev\"]")
			.contains("\"platform.max-threads\":4")
			.contains("\"maxThreads\":4");
		HttpResponse<String> cpu = get("/cpu-bound");
		assertThat(cpu.statusCode()).isEqualTo(200);
		assertThat(cpu.body()).contains("\"route\":\"cpu-bound\"")
			.contains("bits of 99999!: 1516688")
			.contains("\"virtualThread\":false");
		assertThat(metricNames()).contains("tomcat.threads.busy", "concurrency.requests.active");
		assertThat(get("/visits").body()).matches("\\{\"visits\":\\d+\\}");
	}

	@Test
	void prodProfileServesOnVirtualThreadsAndHidesTomcatsThreadGauges() throws Exception {
		start("prod");
		String concurrency = get("/actuator/concurrency").body();
		assertThat(concurrency).contains("\"model\":\"virtual\"")
			.contains("application-prod.yml")
			.contains("\"virtual.max-concurrent-requests\":5000")
			.contains("\"executor\":\"virtual threads (tomcat-vt-)\"");
		HttpResponse<String> io = get("/io-bound?s=0.2");
		assertThat(io.body()).contains("\"route\":\"io-bound\"").contains("\"virtualThread\":true");
		assertThat(metricNames()).contains("concurrency.requests.active", "concurrency.requests.rejected")
			.doesNotContain("tomcat.threads.busy", "tomcat.threads.config.max");
		assertThat(get("/actuator/metrics/concurrency.requests.limit").body()).contains("\"value\":5000.0")
			.contains("\"virtual\"");
		assertThat(get("/visits").body()).matches("\\{\"visits\":\\d+\\}");
	}

	@Test
	void ioBoundRouteRefusesAnAbsurdSleep() throws Exception {
		start();
		HttpResponse<String> response = get("/io-bound?s=-1");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("s must be from 0 to 300.0 seconds, was -1.0");
	}

	private String metricNames() throws Exception {
		return get("/actuator/metrics").body();
	}

	private void start(String... profiles) {
		// The profiles' Redis (127.0.0.1:6379, redis.internal) is replaced by a real test
		// server. Arguments, as on a command line: they win over the profiles' files.
		this.context = new SpringApplicationBuilder(SampleApplication.class).profiles(profiles)
			.run("--server.port=0", "--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redis.port(),
					"--REDIS_PASSWORD=" + REDIS_PASSWORD);
	}

	private HttpResponse<String> get(String path) throws Exception {
		String port = this.context.getEnvironment().getProperty("local.server.port");
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.build();
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
