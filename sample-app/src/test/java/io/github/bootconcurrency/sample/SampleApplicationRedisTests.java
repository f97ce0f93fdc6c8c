package io.github.bootconcurrency.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.testsupport.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app with a real Redis that dies and comes back while the app runs, and with
 * every actuator endpoint that could show the Redis password opened up.
 */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SampleApplicationRedisTests {

	private static final String PASSWORD = "r3dis-Secret-42";

	private final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private RedisServer redis;

	private ConfigurableApplicationContext context;

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.close();
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void redisLostAtRuntimeTakesOnlyRedisRoutesDownKeepsTheInstanceReadyAndRecoversWithoutRestart() throws Exception {
		this.redis = RedisServer.start(PASSWORD);
		start("prod", "spring.data.redis.timeout=1s", "spring.data.redis.connect-timeout=1s");
		assertThat(get("/visits").statusCode()).isEqualTo(200);
		assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);

		this.redis.kill();
		assertThat(get("/hello").statusCode()).isEqualTo(200);
		assertThat(get("/io-bound?s=0").statusCode()).isEqualTo(200);
		assertThat(get("/visits").statusCode()).isEqualTo(503);
		// The instance stays in the load balancer: Redis is not part of readiness by
		// default.
		HttpResponse<String> readiness = get("/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(200);
		assertThat(readiness.body()).doesNotContain("redis");
		assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
		// Health still says what is wrong.
		HttpResponse<String> health = get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(503);
		assertThat(redisStatus(health)).isEqualTo("DOWN");

		this.redis.restart();
		await().atMost(Duration.ofSeconds(30)).until(() -> get("/visits").statusCode() == 200);
		await().atMost(Duration.ofSeconds(30)).until(() -> get("/actuator/health").statusCode() == 200);
	}

	@Test
	void readinessThatIncludesRedisTakesTheInstanceOutUntilRedisIsBack() throws Exception {
		this.redis = RedisServer.start(PASSWORD);
		start("dev", "fail-fast.redis.readiness=true", "spring.data.redis.timeout=1s",
				"spring.data.redis.connect-timeout=1s");
		HttpResponse<String> ready = get("/actuator/health/readiness");
		assertThat(ready.statusCode()).isEqualTo(200);
		assertThat(redisStatus(ready)).isEqualTo("UP");

		this.redis.kill();
		HttpResponse<String> readiness = get("/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(503);
		assertThat(redisStatus(readiness)).isEqualTo("DOWN");
		assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
		assertThat(get("/hello").statusCode()).isEqualTo(200);

		this.redis.restart();
		await().atMost(Duration.ofSeconds(30)).until(() -> get("/actuator/health/readiness").statusCode() == 200);
	}

	@Test
	void passwordNeverAppearsInLogsOrActuatorOutput(CapturedOutput output) throws Exception {
		this.redis = RedisServer.start(PASSWORD);
		start("dev", "management.endpoints.web.exposure.include=*", "management.endpoint.env.show-values=always",
				"management.endpoint.configprops.show-values=always");
		String env = get("/actuator/env").body();
		String configprops = get("/actuator/configprops").body();
		// The endpoints do show values: only the secret is hidden.
		assertThat(env).contains("\"spring.data.redis.port\"").contains(Integer.toString(this.redis.port()));
		assertThat(configprops).contains("spring.data.redis");
		assertThat(env + configprops + get("/actuator/concurrency").body() + get("/actuator/health").body())
			.doesNotContain(PASSWORD);
		assertThat(output.getAll()).contains("Redis answered PING").doesNotContain(PASSWORD);
	}

	private void start(String profile, String... properties) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--spring.data.redis.host=127.0.0.1",
				"--spring.data.redis.port=" + this.redis.port(), "--REDIS_PASSWORD=" + PASSWORD));
		Stream.of(properties).map((property) -> "--" + property).forEach(arguments::add);
		// Arguments, as on a command line: they win over the profiles' files.
		this.context = new SpringApplicationBuilder(SampleApplication.class).profiles(profile)
			.run(arguments.toArray(String[]::new));
	}

	private String redisStatus(HttpResponse<String> health) {
		return this.json.readTree(health.body()).at("/components/redis/status").asString();
	}

	private HttpResponse<String> get(String path) throws Exception {
		String port = this.context.getEnvironment().getProperty("local.server.port");
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.build();
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
