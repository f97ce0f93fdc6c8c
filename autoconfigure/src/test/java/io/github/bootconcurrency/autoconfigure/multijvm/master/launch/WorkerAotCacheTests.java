package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.multijvm.master.balancer.SharedSocket;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfig;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterConfigLoader;
import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests for {@link WorkerAotCache}: what the launcher makes of the setting before any JVM
 * runs. The store itself, on the real file system, is AotCacheStoreTests'.
 */
class WorkerAotCacheTests {

	private final ByteArrayOutputStream log = new ByteArrayOutputStream();

	private final PrintStream out = new PrintStream(this.log, true, StandardCharsets.UTF_8);

	private final List<Runnable> executor = new ArrayList<>();

	@Test
	void offByDefaultAddsNothingAndSaysNothing() {
		WorkerAotCache cache = WorkerAotCache.start(config(), launch("-jar", "app.jar"), null, this.executor::add,
				this.out);
		assertThat(cache.forWorker(1)).isEqualTo(new WorkerAotCache.Start(null, List.of(), null));
		assertThat(this.executor).isEmpty();
		assertThat(log()).isEmpty();
	}

	@Test
	void autoOpensTheStoreOffTheCallersThreadAndWorkersStartAsUsualUntilThen() {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(25);
		WorkerAotCache cache = WorkerAotCache.start(config("concurrency.multi-jvm.aot-cache=auto"),
				launch("-jar", "app.jar"), null, this.executor::add, this.out);
		assertThat(this.executor).as("the extraction is queued, not run on the loop").hasSize(1);
		assertThat(cache.forWorker(1)).isEqualTo(new WorkerAotCache.Start(null, List.of(), "none"));
	}

	@Test
	void autoWithoutAJarIsOffAndSaysWhyOnce() {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(25);
		WorkerAotCache cache = WorkerAotCache.start(config("concurrency.multi-jvm.aot-cache=auto"),
				WorkerLaunch.parse("java", List.of("-cp", "x.jar", "com.example.App"), "com.example.App", "x.jar"),
				null, this.executor::add, this.out);
		assertThat(cache.forWorker(1).use()).isNull();
		assertThat(this.executor).isEmpty();
		assertThat(log()).containsOnlyOnce("AOT cache: off (the application was not started with java -jar");
	}

	@Test
	void aStoreThatCannotBeOpenedIsLoggedOnceAndWorkersStartWithoutIt() {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(25);
		WorkerAotCache cache = WorkerAotCache.start(config("concurrency.multi-jvm.aot-cache=auto"),
				launch("-jar", "/nonexistent/app.jar"), null, this.executor::add, this.out);
		this.executor.forEach(Runnable::run);
		assertThat(log()).containsOnlyOnce("AOT cache: off (");
		assertThat(cache.forWorker(1)).isEqualTo(new WorkerAotCache.Start(null, List.of(), "none"));
	}

	private String log() {
		return this.log.toString(StandardCharsets.UTF_8);
	}

	private static WorkerLaunch launch(String... argv) {
		return WorkerLaunch.parse("java", List.of(argv), "", "");
	}

	private static MasterConfig config(String... properties) {
		MockEnvironment environment = new MockEnvironment();
		for (String property : properties) {
			int equals = property.indexOf('=');
			environment.setProperty(property.substring(0, equals), property.substring(equals + 1));
		}
		return MasterConfigLoader.load(environment, SharedSocket.unsupportedReason());
	}

}
