package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Forwarding}, {@link ForwardedAllowIps} and {@link UpstreamHeaders}.
 */
class ForwardingTests {

	private final ForwardedAllowIps trusted = ForwardedAllowIps.of(List.of("10.0.0.0/8", "192.0.2.1", "fd00::/8"));

	private static final UpstreamHeaders EVERY_X_FORWARDED = UpstreamHeaders
		.of(List.of("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port"));

	private static final UpstreamHeaders FORWARDED = UpstreamHeaders.of(List.of("forwarded"));

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
		Forwarding forwarding = read(EVERY_X_FORWARDED,
				Map.of("X-Forwarded-For", List.of("203.0.113.66, 198.51.100.7", "10.0.0.5"), "X-Forwarded-Proto",
						List.of("http, https"), "X-Forwarded-Host", List.of("app.example")));
		assertThat(forwarding.client().getHostAddress()).isEqualTo("198.51.100.7");
		assertThat(forwarding.scheme()).isEqualTo("https");
		assertThat(forwarding.asXForwardedHeaders()).containsExactly(Map.entry("X-Forwarded-For", "198.51.100.7"),
				Map.entry("X-Forwarded-Proto", "https"), Map.entry("X-Forwarded-Host", "app.example"),
				Map.entry("X-Forwarded-Port", "443"));
		assertThat(read(UpstreamHeaders.defaults(), Map.of("X-Forwarded-For", List.of("10.0.0.9, 10.0.0.5"))).client()
			.getHostAddress()).isEqualTo("10.0.0.9");
	}

	@Test
	void byDefaultOnlyXForwardedForAndProtoAreReadSoThatWhatABalancerPassesOnChangesNothing() {
		Map<String, List<String>> headers = Map.of("Forwarded", List.of("for=10.0.0.1;proto=https;host=evil.example"),
				"X-Forwarded-Host", List.of("evil.example"), "X-Forwarded-Port", List.of("8443"), "X-Forwarded-For",
				List.of("203.0.113.66, 198.51.100.7"));
		Forwarding forwarding = read(UpstreamHeaders.defaults(), headers);
		assertThat(forwarding.client().getHostAddress()).isEqualTo("198.51.100.7");
		assertThat(forwarding.scheme()).isNull();
		assertThat(forwarding.asXForwardedHeaders()).containsExactly(Map.entry("X-Forwarded-For", "198.51.100.7"));
		assertThat(read(UpstreamHeaders.of(List.of("X-Forwarded-For")), Map.of("X-Forwarded-Proto", List.of("https"))))
			.isEqualTo(new Forwarding(null, null, null, null));
	}

	@Test
	void forwardedIsReadAloneWhenTheBalancerSetsItWithQuotesPortsAndIpv6() {
		Forwarding forwarding = read(FORWARDED, Map.of("Forwarded", List
			.of("for=\"[2001:db8::1]:4711\";proto=http, for=198.51.100.7:80;proto=HTTPS;host=\"app.example:8443\""),
				"X-Forwarded-For", List.of("203.0.113.66"), "X-Forwarded-Port", List.of("9999")));
		assertThat(forwarding.client().getHostAddress()).isEqualTo("198.51.100.7");
		assertThat(forwarding.scheme()).isEqualTo("https");
		assertThat(forwarding.asXForwardedHeaders()).containsEntry("X-Forwarded-Host", "app.example")
			.containsEntry("X-Forwarded-Port", "8443");
		assertThat(
				read(FORWARDED, Map.of("Forwarded", List.of("for=\"[2001:db8::1]:4711\""))).client().getHostAddress())
			.isEqualTo("2001:db8:0:0:0:0:0:1");
		assertThat(read(FORWARDED,
				Map.of("X-Forwarded-For", List.of("203.0.113.66"), "X-Forwarded-Proto", List.of("https"))))
			.isEqualTo(new Forwarding(null, null, null, null));
	}

	@Test
	void theSchemeAndHostOfForwardedAreThoseOfTheNearestProxysElementOnly() {
		Forwarding forwarding = read(FORWARDED,
				Map.of("Forwarded", List.of("for=203.0.113.9;proto=https;host=evil.example", "for=198.51.100.7")));
		assertThat(forwarding).isEqualTo(new Forwarding(ForwardedAllowIps.literal("198.51.100.7"), null, null, null));
	}

	@Test
	void theHeadersABalancerSetsAreXForwardedOnesOrForwardedAloneAndAnythingElseIsRefused() {
		UpstreamHeaders headers = UpstreamHeaders.of(List.of(" X-Forwarded-Host", "x-forwarded-for", ""));
		assertThat(headers.sets("X-Forwarded-Host")).isTrue();
		assertThat(headers.sets("X-Forwarded-Proto")).isFalse();
		assertThat(headers.forwarded()).isFalse();
		assertThat(headers).hasToString("x-forwarded-for,x-forwarded-host");
		assertThat(UpstreamHeaders.defaults()).hasToString("x-forwarded-for,x-forwarded-proto");
		assertThat(UpstreamHeaders.of(List.of("Forwarded")).forwarded()).isTrue();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> UpstreamHeaders.of(List.of("x-forwarded-for", "x-real-ip")))
			.withMessage("x-real-ip");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> UpstreamHeaders.of(List.of("forwarded", "x-forwarded-for")))
			.withMessage("forwarded,x-forwarded-for");
		assertThatIllegalArgumentException().isThrownBy(() -> UpstreamHeaders.of(List.of(" ")));
	}

	@Test
	void malformedValuesAreIgnoredRatherThanPassedOn() {
		Forwarding forwarding = read(EVERY_X_FORWARDED,
				Map.of("X-Forwarded-For", List.of("_hidden"), "X-Forwarded-Proto", List.of("javascript"),
						"X-Forwarded-Host", List.of("evil.example\r\nX-Injected: 1"), "X-Forwarded-Port",
						List.of("99999")));
		assertThat(forwarding).isEqualTo(new Forwarding(null, null, null, null));
		assertThat(forwarding.asXForwardedHeaders()).isEmpty();
	}

	private Forwarding read(UpstreamHeaders sets, Map<String, List<String>> headers) {
		return Forwarding.read((name) -> headers.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().equalsIgnoreCase(name))
			.map(Map.Entry::getValue)
			.findFirst()
			.orElse(List.of()), this.trusted, sets);
	}

}
