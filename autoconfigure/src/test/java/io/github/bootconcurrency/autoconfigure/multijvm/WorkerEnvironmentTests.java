package io.github.bootconcurrency.autoconfigure.multijvm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlProtocol;
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
		// So that a worker of another version of the starter fails at boot.
		assertThat(properties).containsEntry(ControlProtocol.VERSION_PROPERTY,
				Integer.toString(ControlProtocol.VERSION));
		WorkerEnvironment behindTheProxy = new WorkerEnvironment(3, 42, Path.of("/tmp/m/master.sock"), "s3cret", false,
				Duration.ofMillis(250), "f0rwarding");
		assertThat(WorkerEnvironment.from(behindTheProxy.properties()::get)).contains(behindTheProxy);
	}

	@Test
	void processWithoutThePropertiesIsNoWorker() {
		assertThat(WorkerEnvironment.from(Map.of(WorkerEnvironment.ID, "1")::get)).isEmpty();
	}

	@Test
	void tokenAndForwardingSecretNeverShowInItsDescription() {
		assertThat(new WorkerEnvironment(3, 42, Path.of("/tmp/s"), "s3cret", false, Duration.ofSeconds(1), "f0rwarding")
			.toString()).doesNotContain("s3cret").doesNotContain("f0rwarding");
		ForwardingSecret secret = ForwardingSecret.generate();
		assertThat(secret.toString()).doesNotContain(secret.value());
		assertThat(secret.matches(secret.value())).isTrue();
		assertThat(secret.matches(secret.value() + "x")).isFalse();
		assertThat(secret.matches(null)).isFalse();
		assertThat(ForwardingSecret.generate().value()).isNotEqualTo(secret.value()).hasSizeGreaterThanOrEqualTo(32);
	}

}
