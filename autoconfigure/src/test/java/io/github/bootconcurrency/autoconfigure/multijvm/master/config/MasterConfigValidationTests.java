package io.github.bootconcurrency.autoconfigure.multijvm.master.config;

import java.util.List;

import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.model.ModelDecision;
import io.github.bootconcurrency.autoconfigure.multijvm.master.balancer.SharedSocket;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencyProperties;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;
import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import io.github.bootconcurrency.autoconfigure.validation.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for the settings that {@link MasterConfig} refuses: the master stops naming each
 * key, the value as written, its origin and what is allowed, reports every invalid value
 * at once, and reports a key of the workers' exactly as a worker would.
 */
class MasterConfigValidationTests {

	@Test
	void aPortThatIsNotANumberIsReportedWithTheOtherViolations() {
		MockEnvironment environment = new MockEnvironment().withProperty("server.port", "abc")
			.withProperty("concurrency.multi-jvm.queue-timeout", "-1s");
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> MasterConfigLoader.load(environment, SharedSocket.unsupportedReason()))
			.withMessageContaining("server.port = abc")
			.withMessageContaining("a whole number from 0 to 65535")
			.withMessageContaining("concurrency.multi-jvm.queue-timeout = -1s");
	}

	@Test
	void aForwardedAllowIpsEntryThatIsNeitherAnAddressNorARangeIsReportedWithWhatIsAllowed() {
		MockEnvironment environment = new MockEnvironment().withProperty("concurrency.multi-jvm.forwarded-allow-ips",
				"10.0.0.1, lb.example, 10.0.0.0/8");
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> MasterConfigLoader.load(environment, SharedSocket.unsupportedReason()))
			.withMessageContaining("concurrency.multi-jvm.forwarded-allow-ips = lb.example")
			.withMessageContaining("IP addresses or CIDR ranges")
			.withMessageContaining("* for any address");
		for (String bad : List.of("10.0.0.0/33", "256.1.1.1", "010.0.0.1", "fd00::/129", "10.0.0.1/x")) {
			assertThatExceptionOfType(InvalidSettingsException.class)
				.isThrownBy(() -> MasterConfigLoader.load(
						new MockEnvironment().withProperty("concurrency.multi-jvm.forwarded-allow-ips", bad),
						SharedSocket.unsupportedReason()))
				.withMessageContaining("concurrency.multi-jvm.forwarded-allow-ips = " + bad);
		}
		assertThat(MasterConfigLoader
			.load(new MockEnvironment().withProperty("concurrency.multi-jvm.forwarded-allow-ips",
					"10.0.0.1,fd00::/8,*"), SharedSocket.unsupportedReason())
			.forwardedAllowIps()
			.isNone()).isFalse();
	}

	@Test
	void forwardedHeadersThatABalancerDoesNotSetAloneAreReportedWithWhatIsAllowed() {
		for (String bad : List.of("x-real-ip", "x-forwarded-for, x-forwarded-server", "forwarded, x-forwarded-for",
				"")) {
			assertThatExceptionOfType(InvalidSettingsException.class)
				.isThrownBy(() -> MasterConfigLoader.load(
						new MockEnvironment().withProperty("concurrency.multi-jvm.forwarded-headers", bad),
						SharedSocket.unsupportedReason()))
				.withMessageContaining("concurrency.multi-jvm.forwarded-headers")
				.withMessageContaining("any of x-forwarded-for, x-forwarded-proto, x-forwarded-host and "
						+ "x-forwarded-port, separated by commas, or forwarded alone");
		}
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> MasterConfigLoader.load(
					new MockEnvironment().withProperty("concurrency.multi-jvm.forwarded-headers", "x-real-ip"),
					SharedSocket.unsupportedReason()))
			.withMessageContaining("concurrency.multi-jvm.forwarded-headers = x-real-ip");
	}

	@Test
	void badListenerLimitsAreReportedWithTheirKeyValueAndWhatIsAllowed() {
		MockEnvironment environment = new MockEnvironment()
			.withProperty("concurrency.multi-jvm.request-header-timeout", "10ms")
			.withProperty("server.max-http-request-header-size", "lots");
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> MasterConfigLoader.load(environment, SharedSocket.unsupportedReason()))
			.withMessageContaining("concurrency.multi-jvm.request-header-timeout = 10ms")
			.withMessageContaining("a duration from 100ms to 1h")
			.withMessageContaining("server.max-http-request-header-size = lots")
			.withMessageContaining("a size from 256B to 1GB");
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> MasterConfigLoader.load(
					new MockEnvironment().withProperty("server.max-http-request-header-size", "2GB"),
					SharedSocket.unsupportedReason()))
			.withMessageContaining("server.max-http-request-header-size = 2GB");
	}

	@Test
	void aWorkerSettingTheWorkerWouldRefuseIsReportedByTheMasterWithItsOwn() {
		MockEnvironment environment = new MockEnvironment().withProperty("concurrency.multi-jvm.workers", "lots")
			.withProperty("concurrency.platform.max-threads", "4")
			.withProperty("server.tomcat.threads.max", "50");
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> MasterConfigLoader.load(environment, SharedSocket.unsupportedReason()))
			.withMessageContaining("concurrency.multi-jvm.workers = lots")
			.withMessageContaining("concurrency.platform.max-threads = 4")
			.withMessageContaining("conflicts with server.tomcat.threads.max=50");
	}

	@Test
	void everyInvalidValueIsReportedWithItsKeyValueAndWhatIsAllowed() {
		MockEnvironment environment = new MockEnvironment().withProperty("concurrency.multi-jvm.workers", "lots")
			.withProperty("concurrency.multi-jvm.max-requests-jitter", "10")
			.withProperty("concurrency.multi-jvm.timeout", "0s");
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> MasterConfigLoader.load(environment, SharedSocket.unsupportedReason()))
			.withMessageContaining("concurrency.multi-jvm.workers = lots")
			.withMessageContaining("'auto' or a whole number from 1 to 256")
			.withMessageContaining("concurrency.multi-jvm.max-requests-jitter = 10")
			.withMessageContaining("0 while concurrency.multi-jvm.max-requests is 0")
			.withMessageContaining("concurrency.multi-jvm.timeout = 0s");
	}

	@Test
	void unknownBalancerAndWorkerModelAreReportedTogetherWithTheChoicesAsUsersWriteThem() {
		MockEnvironment environment = new MockEnvironment()
			.withProperty("concurrency.multi-jvm.balancer", "round-robin")
			.withProperty("concurrency.multi-jvm.worker-model", "gevent")
			.withProperty("concurrency.multi-jvm.workers", "0");
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> MasterConfigLoader.load(environment, SharedSocket.unsupportedReason()))
			.withMessageContaining("concurrency.multi-jvm.balancer = round-robin")
			.withMessageContaining("allowed: proxy, shared-socket")
			.withMessageContaining("concurrency.multi-jvm.worker-model = gevent")
			.withMessageContaining("allowed: platform, virtual")
			.withMessageContaining("concurrency.multi-jvm.workers = 0");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					server.port=70000                                  | server.port                              | 70000         | a whole number from 0 to 65535
					server.port=http                                   | server.port                              | http          | a whole number from 0 to 65535
					server.address=no-such-host.invalid                | server.address                           | no-such-host.invalid | an IP address or host name of this machine
					server.address=192.0.2.1                           | server.address                           | 192.0.2.1     | (192.0.2.1 is not an address of this machine)
					concurrency.backlog=0                              | concurrency.backlog                      | 0             | a whole number from 1 to 65535
					concurrency.keep-alive-timeout=0s                  | concurrency.keep-alive-timeout           | 0s            | a duration from 1ms to 1h
					concurrency.multi-jvm.timeout=0s                   | concurrency.multi-jvm.timeout            | 0s            | a duration from 1s to 1h
					concurrency.multi-jvm.graceful-timeout=-1s         | concurrency.multi-jvm.graceful-timeout   | -1s           | a duration from 0 to 1h
					concurrency.multi-jvm.queue-timeout=2h             | concurrency.multi-jvm.queue-timeout      | 2h            | a duration from 0 to 1h
					concurrency.multi-jvm.max-requests=-1              | concurrency.multi-jvm.max-requests       | -1            | 0 (never recycle) or a positive whole number
					concurrency.multi-jvm.max-requests=2147483000;concurrency.multi-jvm.max-requests-jitter=1000 | concurrency.multi-jvm.max-requests-jitter | 1000 | 0 to 647, so that concurrency.multi-jvm.max-requests (2147483000) plus the jitter is at most 2147483647
					concurrency.multi-jvm.max-requests-jitter=50       | concurrency.multi-jvm.max-requests-jitter | 50           | 0 while concurrency.multi-jvm.max-requests is 0
					concurrency.multi-jvm.max-heap-after-gc=-512MB     | concurrency.multi-jvm.max-heap-after-gc  | -512MB        | a size such as 512MB, or a percentage of the worker's maximum heap from 1% to 100%
					concurrency.multi-jvm.max-heap-after-gc=0MB        | concurrency.multi-jvm.max-heap-after-gc  | 0MB           | a size such as 512MB, or a percentage
					concurrency.multi-jvm.max-heap-after-gc=0%         | concurrency.multi-jvm.max-heap-after-gc  | 0%            | a size such as 512MB, or a percentage
					concurrency.multi-jvm.max-heap-after-gc=120%       | concurrency.multi-jvm.max-heap-after-gc  | 120%          | a size such as 512MB, or a percentage
					concurrency.multi-jvm.max-heap-after-gc=lots       | concurrency.multi-jvm.max-heap-after-gc  | lots          | a size such as 512MB, or a percentage
					""")
	void invalidValueStopsTheMasterNamingTheKeyTheValueAsWrittenItsOriginAndWhatIsAllowed(String properties, String key,
			String value, String allowed) {
		MockEnvironment environment = new MockEnvironment().withProperty("concurrency.model", "multi-jvm");
		for (String property : properties.split(";")) {
			environment.setProperty(property.substring(0, property.indexOf('=')),
					property.substring(property.indexOf('=') + 1));
		}
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> MasterConfigLoader.load(environment, SharedSocket.unsupportedReason()))
			.satisfies((failure) -> assertThat(failure.getViolations()).singleElement().satisfies((violation) -> {
				assertThat(violation.key()).isEqualTo(key);
				assertThat(String.valueOf(violation.value())).isEqualTo(value);
				assertThat(violation.problem()).contains(allowed);
				assertThat(String.valueOf(violation.origin())).contains(key);
			}));
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource({ "concurrency.backlog, 0", "concurrency.backlog, 70000", "concurrency.keep-alive-timeout, 0s",
			"concurrency.keep-alive-timeout, 2h", "concurrency.platform.max-threads, 0" })
	void masterReportsAWorkerKeyExactlyAsTheWorkerWould(String key, String value) {
		MockEnvironment environment = new MockEnvironment().withProperty(key, value);
		Violation inWorker = catchThrowableOfType(InvalidSettingsException.class,
				() -> ConcurrencySettings.resolve(
						Binder.get(environment).bind("concurrency", ConcurrencyProperties.class).get(), environment,
						new ModelDecision(ConcurrencyModel.PLATFORM, "test", List.of())))
			.getViolations()
			.get(0);
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> MasterConfigLoader.load(environment, SharedSocket.unsupportedReason()))
			.satisfies(
					(failure) -> assertThat(failure.getViolations()).extracting(MasterConfigValidationTests::described)
						.containsExactly(described(inWorker)));
		assertThat(String.valueOf(inWorker.value())).isEqualTo(value);
	}

	private static String described(Violation violation) {
		// Origins are compared by what they say: the same key of the same source.
		return violation.key() + " = " + violation.value() + " (from " + violation.origin() + "): "
				+ violation.problem() + " / " + violation.action();
	}

}
