package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Forwarding} and {@link ForwardedAllowIps}.
 */
class ForwardingTests {

	private final ForwardedAllowIps trusted = ForwardedAllowIps.of(List.of("10.0.0.0/8", "192.0.2.1", "fd00::/8"));

	/**
	 * The list is what the proxy and the workers drop: a name missing from it passes
	 * through both. Pinned here against the test application's own copy, which the real
	 * JVMs' test sends and reports ({@code MultiJvmForwardedHeadersIT}), so that a name
	 * dropped from either is caught in milliseconds.
	 */
	@Test
	void everyForwardingHeaderThatAServerOrLibraryMayReadIsDropped() {
		assertThat(Forwarding.HEADERS).doesNotHaveDuplicates()
			.containsExactlyInAnyOrderElementsOf(MultiJvmTestApplication.FORWARDING_HEADERS);
	}

	@Test
	void addressesAndRangesOfBothFamiliesAreTrustedAndNothingElse() throws Exception {
		assertThat(this.trusted.allows(InetAddress.getByName("10.255.0.1"))).isTrue();
		assertThat(this.trusted.allows(InetAddress.getByName("11.0.0.1"))).isFalse();
		assertThat(this.trusted.allows(InetAddress.getByName("192.0.2.1"))).isTrue();
		assertThat(this.trusted.allows(InetAddress.getByName("192.0.2.2"))).isFalse();
		assertThat(this.trusted.allows(InetAddress.getByName("fd12::1"))).isTrue();
		assertThat(this.trusted.allows(InetAddress.getByName("fe80::1"))).isFalse();
		assertThat(ForwardedAllowIps.of(List.of()).allows(InetAddress.getByName("127.0.0.1"))).isFalse();
		assertThat(ForwardedAllowIps.of(List.of("*")).allows(InetAddress.getByName("203.0.113.1"))).isTrue();
		assertThat(ForwardedAllowIps.of(List.of("10.1.2.3/12")).allows(InetAddress.getByName("10.15.0.0"))).isTrue();
		assertThat(ForwardedAllowIps.of(List.of("10.1.2.3/12")).allows(InetAddress.getByName("10.16.0.0"))).isFalse();
	}

	@Test
	void hostNamesAreRefusedWithoutBeingLookedUp() {
		assertThatIllegalArgumentException().isThrownBy(() -> ForwardedAllowIps.of(List.of("localhost")))
			.withMessage("localhost");
		assertThat(ForwardedAllowIps.literal("localhost")).isNull();
		assertThat(ForwardedAllowIps.literal("999.0.0.1")).isNull();
	}

	@Test
	void theClientIsTheRightmostUntrustedAddressSoThatItCannotNameItself() {
		Forwarding forwarding = read(Map.of("X-Forwarded-For", List.of("203.0.113.66, 198.51.100.7", "10.0.0.5"),
				"X-Forwarded-Proto", List.of("http, https"), "X-Forwarded-Host", List.of("app.example")));
		assertThat(forwarding.client().getHostAddress()).isEqualTo("198.51.100.7");
		assertThat(forwarding.scheme()).isEqualTo("https");
		assertThat(forwarding.asXForwardedHeaders()).containsExactly(Map.entry("X-Forwarded-For", "198.51.100.7"),
				Map.entry("X-Forwarded-Proto", "https"), Map.entry("X-Forwarded-Host", "app.example"));
		assertThat(read(Map.of("X-Forwarded-For", List.of("10.0.0.9, 10.0.0.5"))).client().getHostAddress())
			.isEqualTo("10.0.0.9");
	}

	@Test
	void forwardedWinsOverXForwardedAndIsParsedWithQuotesPortsAndIpv6() {
		Forwarding forwarding = read(Map.of("Forwarded", List
			.of("for=\"[2001:db8::1]:4711\";proto=http, for=198.51.100.7:80;proto=HTTPS;host=\"app.example:8443\""),
				"X-Forwarded-For", List.of("203.0.113.66")));
		assertThat(forwarding.client().getHostAddress()).isEqualTo("198.51.100.7");
		assertThat(forwarding.scheme()).isEqualTo("https");
		assertThat(forwarding.asXForwardedHeaders()).containsEntry("X-Forwarded-Host", "app.example")
			.containsEntry("X-Forwarded-Port", "8443");
		assertThat(read(Map.of("Forwarded", List.of("for=\"[2001:db8::1]:4711\""))).client().getHostAddress())
			.isEqualTo("2001:db8:0:0:0:0:0:1");
	}

	@Test
	void malformedValuesAreIgnoredRatherThanPassedOn() {
		Forwarding forwarding = read(Map.of("X-Forwarded-For", List.of("_hidden"), "X-Forwarded-Proto",
				List.of("javascript"), "X-Forwarded-Host", List.of("evil.example\r\nX-Injected: 1"), "X-Forwarded-Port",
				List.of("99999")));
		assertThat(forwarding).isEqualTo(new Forwarding(null, null, null, null));
		assertThat(forwarding.asXForwardedHeaders()).isEmpty();
	}

	private Forwarding read(Map<String, List<String>> headers) {
		return Forwarding.read((name) -> headers.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().equalsIgnoreCase(name))
			.map(Map.Entry::getValue)
			.findFirst()
			.orElse(List.of()), this.trusted);
	}

}
