package io.github.bootconcurrency.autoconfigure.multijvm.worker.forwarding;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.bootconcurrency.autoconfigure.multijvm.ForwardingSecret;
import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkerForwarding}.
 */
class WorkerForwardingTests {

	private static final ForwardingSecret SECRET = ForwardingSecret.generate();

	private static final Map<String, List<String>> FROM_THE_PROXY = Map.of("X-Forwarded-For", List.of("203.0.113.9"),
			"X-Forwarded-Proto", List.of("https"), "X-Forwarded-Host", List.of("app.example"), "X-Forwarded-Port",
			List.of("443"), "X-Forwarded-Server", List.of("app.example"), "Forwarded", List.of("for=10.0.0.1"));

	private final WorkerForwarding behindTheProxy = WorkerForwarding.of(
			new WorkerEnvironment(1, 1, Path.of("/tmp/m.sock"), "token", false, Duration.ofSeconds(1), SECRET.value()),
			new MockEnvironment().withProperty("concurrency.multi-jvm.forwarded-allow-ips", "*"));

	@Test
	void behindTheProxyOnlyARequestWithTheMastersSecretKeepsTheHeadersTheProxySet() {
		assertThat(this.behindTheProxy.honoursAny()).isTrue();
		assertThat(this.behindTheProxy.cleanSet("127.0.0.1", headers(ForwardingSecret.HEADER, SECRET.value())))
			.containsOnlyKeys("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port",
					"X-Forwarded-Server")
			.containsEntry("X-Forwarded-For", "203.0.113.9");
		assertThat(this.behindTheProxy.cleanSet("127.0.0.1", headers(null, null))).isEmpty();
		assertThat(this.behindTheProxy.cleanSet("127.0.0.1", headers(ForwardingSecret.HEADER, "guessed"))).isEmpty();
		assertThat(this.behindTheProxy.cleanSet("127.0.0.1", headers(ForwardingSecret.HEADER.toLowerCase(), "")))
			.isEmpty();
		assertThat(WorkerForwarding.DROPPED).contains(ForwardingSecret.HEADER, "Forwarded", "X-Real-IP");
	}

	@Test
	void behindTheProxyWithoutASecretNothingIsHonoured() {
		WorkerForwarding forwarding = WorkerForwarding.of(
				new WorkerEnvironment(1, 1, Path.of("/tmp/m.sock"), "token", false, Duration.ofSeconds(1)),
				new MockEnvironment());
		assertThat(forwarding.honoursAny()).isFalse();
		assertThat(forwarding.cleanSet("127.0.0.1", headers(ForwardingSecret.HEADER, SECRET.value()))).isEmpty();
	}

	@Test
	void underSharedSocketTheTrustedAddressesAndTheHeadersTheySetDecide() {
		WorkerForwarding forwarding = WorkerForwarding.of(
				new WorkerEnvironment(1, 1, Path.of("/tmp/m.sock"), "token", true, Duration.ofSeconds(1)),
				new MockEnvironment().withProperty("concurrency.multi-jvm.forwarded-allow-ips", "10.0.0.0/8")
					.withProperty("concurrency.multi-jvm.forwarded-headers", "forwarded"));
		assertThat(forwarding.cleanSet("10.0.0.2", headers(null, null)))
			.containsExactly(Map.entry("X-Forwarded-For", "10.0.0.1"));
		assertThat(forwarding.cleanSet("127.0.0.1", headers(null, null))).isEmpty();
	}

	private static java.util.function.Function<String, List<String>> headers(String name, String value) {
		return (wanted) -> {
			if (wanted.equalsIgnoreCase(String.valueOf(name))) {
				return List.of(value);
			}
			return FROM_THE_PROXY.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().equalsIgnoreCase(wanted))
				.map(Map.Entry::getValue)
				.findFirst()
				.orElse(List.of());
		};
	}

}
