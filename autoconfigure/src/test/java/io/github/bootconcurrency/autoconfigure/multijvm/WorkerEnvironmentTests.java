package io.github.bootconcurrency.autoconfigure.multijvm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkerEnvironment}.
 */
class WorkerEnvironmentTests {

	@Test
	void propertiesTheMasterSetsAreReadBackByTheWorker() {
		WorkerEnvironment worker = new WorkerEnvironment(3, 42, Path.of("/tmp/m/master.sock"), "s3cret", true,
				Duration.ofMillis(250));
		Map<String, String> properties = worker.properties();
		assertThat(WorkerEnvironment.from(properties::get)).contains(worker);
	}

	@Test
	void processWithoutThePropertiesIsNoWorker() {
		assertThat(WorkerEnvironment.from(Map.of(WorkerEnvironment.ID, "1")::get)).isEmpty();
	}

	@Test
	void tokenNeverShowsInItsDescription() {
		assertThat(new WorkerEnvironment(3, 42, Path.of("/tmp/s"), "s3cret", false, Duration.ofSeconds(1)).toString())
			.doesNotContain("s3cret");
	}

}
