package io.github.bootconcurrency.autoconfigure.multijvm;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reload reads the configuration from every source a start reads, with real JVMs: a
 * master configured only through {@code SPRING_APPLICATION_JSON}, which only a startup
 * post-processor turns into properties, keeps its worker count, worker model and JVM
 * options across {@code HUP}. The configuration is read the same way whatever the
 * balancer, so the proxy alone runs it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiJvmReloadSourcesIT {

	private static final String JSON = """
			{"concurrency": {"multi-jvm": {"workers": 1, "worker-model": "virtual",
			  "jvm-args": ["-XX:+UseSerialGC", "-Dapp.marker=from-json"]}},
			 "management": {"endpoints": {"web": {"exposure": {"include": "concurrency"}}}}}""";

	private final JsonMapper json = JsonMapper.builder().build();

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	@Test
	void sighupKeepsTheWorkerCountModelAndJvmOptionsOfSpringApplicationJson() throws Exception {
		MasterProcess master = this.masters.start(Balancer.PROXY, 0, Map.of("SPRING_APPLICATION_JSON", JSON));
		master.awaitReady(1);
		long first = master.readyPids().get(0);
		assertThat(master.output()).contains("started: 1 worker(s), worker model 'virtual'");
		assertWorkerRunsTheJson(master);

		master.signal("HUP");
		master.lines().await("Received SIGHUP: configuration read again", Duration.ofSeconds(60));
		master.awaitReady(2);
		master.awaitStopped(first, Duration.ofSeconds(60));
		assertThat(master.output())
			.contains("Received SIGHUP: configuration read again (1 worker(s), worker model 'virtual')");
		List<Long> live = master.livePids();
		assertThat(live).hasSize(1).doesNotContain(first);
		assertWorkerRunsTheJson(master);
		JsonNode concurrency = this.json.readTree(Http.get(master.port(), "/actuator/concurrency").body());
		assertThat(concurrency.get("cluster").get("targetWorkers").asInt()).isEqualTo(1);
		assertThat(concurrency.get("cluster").get("counters").get("reloads").asInt()).isEqualTo(1);
	}

	private void assertWorkerRunsTheJson(MasterProcess master) throws Exception {
		assertThat(Http.get(master.port(), "/arguments").body()).contains("\"marker\":\"from-json\"");
		JsonNode concurrency = this.json.readTree(Http.get(master.port(), "/actuator/concurrency").body());
		assertThat(concurrency.get("model").asString()).isEqualTo("virtual");
	}

}
