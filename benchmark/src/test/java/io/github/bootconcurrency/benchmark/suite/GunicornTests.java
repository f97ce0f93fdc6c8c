package io.github.bootconcurrency.benchmark.suite;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.Reaper;
import io.github.bootconcurrency.benchmark.results.AppModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for the Gunicorn models: the real Flask app under Debian's {@code gunicorn},
 * started and stopped as the suite does (skipped where Gunicorn is not installed).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GunicornTests {

	@TempDir
	Path logs;

	@Test
	void flaskAppServesTheSampleAppsRoutesUnderGunicornAndStopsWithItsWorkers() throws Exception {
		AppModel model = model(AppModel.GUNICORN_GTHREAD);
		assumeTrue(Gunicorn.missing(model) == null, () -> "Gunicorn: " + Gunicorn.missing(model));
		List<ProcessHandle> processes;
		ProcessHandle gunicorn;
		try (AppProcess app = AppProcess.start("java", Path.of("unused.jar"), List.of(), model,
				this.logs.resolve("gunicorn.log"), Duration.ofSeconds(60));
				HttpClient client = HttpClient.newHttpClient()) {
			// Stopped by the reaper if this JVM dies first: Gunicorn's arbiter stops its
			// workers on TERM.
			gunicorn = ProcessHandle.of(app.pid()).orElseThrow();
			Reaper.watch(gunicorn);
			// The port the kernel gave Gunicorn, read back from its log.
			assertThat(Files.readString(app.log())).contains("Listening at: " + app.uri("") + " (");
			HttpResponse<String> hello = get(client, app, "/hello");
			assertThat(hello.statusCode()).isEqualTo(200);
			assertThat(hello.body()).isEqualTo("Hello, World!");
			// The same product as the Java route's: 99999! has 1,516,688 bits.
			HttpResponse<String> cpu = get(client, app, "/cpu-bound");
			assertThat(cpu.statusCode()).isEqualTo(200);
			assertThat(cpu.body()).contains("\"bits of 99999!: 1516688\"");
			HttpResponse<String> io = get(client, app, "/io-bound?s=0.2");
			assertThat(io.statusCode()).isEqualTo(200);
			assertThat(io.body()).contains("slept 0.2 s");
			assertThat(get(client, app, "/io-bound?s=301").statusCode()).isEqualTo(400);
			processes = ProcessHandle.of(app.pid()).orElseThrow().descendants().toList();
			// 2 workers of gthread on 2 cores; at least one on any machine.
			assertThat(processes).isNotEmpty();
		}
		assertThat(processes).noneMatch(ProcessHandle::isAlive);
		assertThat(gunicorn.isAlive()).isFalse();
		Reaper.forget(gunicorn);
	}

	@Test
	void gunicornIsBoundToLoopbackOnlyWithTheModelsWorkerSettings() {
		AppModel gevent = model(AppModel.GUNICORN_GEVENT);
		List<String> command = Gunicorn.command(gevent, Path.of("/tmp/app"));
		assertThat(command).first().isEqualTo("/usr/bin/gunicorn");
		assertThat(command)
			.contains("--bind=127.0.0.1:0", "--chdir=/tmp/app", "--worker-class=gevent",
					"--worker-connections=" + AppModel.GEVENT_WORKER_CONNECTIONS)
			.last()
			.isEqualTo("app:app");
	}

	private static AppModel model(String id) {
		return AppModel.all().stream().filter((model) -> model.id().equals(id)).findFirst().orElseThrow();
	}

	private static HttpResponse<String> get(HttpClient client, AppProcess app, String path) throws Exception {
		return client.send(HttpRequest.newBuilder(app.uri(path)).timeout(Duration.ofSeconds(60)).build(),
				BodyHandlers.ofString());
	}

}
