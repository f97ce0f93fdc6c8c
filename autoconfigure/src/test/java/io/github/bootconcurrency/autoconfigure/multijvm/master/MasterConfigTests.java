package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.bootconcurrency.autoconfigure.ConcurrencyProperties;
import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.model.ModelDecision;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;
import io.github.bootconcurrency.autoconfigure.settings.OpenFiles;
import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import io.github.bootconcurrency.autoconfigure.validation.UnknownSettingsException;
import io.github.bootconcurrency.autoconfigure.validation.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for {@link MasterConfig}, and for how the master reads its configuration again on
 * reload.
 */
class MasterConfigTests {

	@Test
	void defaultsGiveTwoProxiedWorkersOnPort8080() {
		MasterConfig config = MasterConfig.load(new MockEnvironment().withProperty("concurrency.model", "multi-jvm"));
		assertThat(config.workers()).isEqualTo(2);
		assertThat(config.port()).isEqualTo(8080);
		// Each worker binds a port of its own choosing and reports it: none is chosen for
		// it.
		assertThat(config.workerArguments()).contains("--concurrency.model=platform", "--server.port=0",
				"--server.address=127.0.0.1");
		assertThat(config.queueTimeout()).isEqualTo(config.settings().getBootTimeout());
	}

	@Test
	void workersOfAnActuatorWithAPortOfItsOwnEachTakeOneOnLoopback() {
		MasterConfig config = MasterConfig.load(new MockEnvironment().withProperty("management.server.port", "8081"));
		assertThat(config.workerArguments()).contains("--management.server.port=0",
				"--management.server.address=127.0.0.1");
		assertThat(MasterConfig.load(new MockEnvironment()).workerArguments())
			.noneMatch((argument) -> argument.startsWith("--management.server"));
	}

	@Test
	void aChangedQueueTimeoutTakesARestartOfTheMaster() {
		MasterConfig running = MasterConfig.load(new MockEnvironment());
		MasterConfig next = MasterConfig
			.load(new MockEnvironment().withProperty("concurrency.multi-jvm.queue-timeout", "5s"));
		assertThat(running.restartOnlyChanges(next)).isEqualTo("concurrency.multi-jvm.queue-timeout");
		List<String> warnings = new ArrayList<>();
		assertThat(next.keepingRestartOnlySettingsOf(running, warnings::add).queueTimeout())
			.isEqualTo(running.queueTimeout());
		assertThat(warnings).singleElement().asString().contains("takes a restart of the master");
	}

	@Test
	void aPortThatIsNotANumberIsReportedWithTheOtherViolations() {
		MockEnvironment environment = new MockEnvironment().withProperty("server.port", "abc")
			.withProperty("concurrency.multi-jvm.queue-timeout", "-1s");
		assertThatExceptionOfType(InvalidSettingsException.class).isThrownBy(() -> MasterConfig.load(environment))
			.withMessageContaining("server.port = abc")
			.withMessageContaining("a whole number from 0 to 65535")
			.withMessageContaining("concurrency.multi-jvm.queue-timeout = -1s");
	}

	@Test
	void aForwardedAllowIpsEntryThatIsNeitherAnAddressNorARangeIsReportedWithWhatIsAllowed() {
		MockEnvironment environment = new MockEnvironment().withProperty("concurrency.multi-jvm.forwarded-allow-ips",
				"10.0.0.1, lb.example, 10.0.0.0/8");
		assertThatExceptionOfType(InvalidSettingsException.class).isThrownBy(() -> MasterConfig.load(environment))
			.withMessageContaining("concurrency.multi-jvm.forwarded-allow-ips = lb.example")
			.withMessageContaining("IP addresses or CIDR ranges")
			.withMessageContaining("* for any address");
		for (String bad : List.of("10.0.0.0/33", "256.1.1.1", "010.0.0.1", "fd00::/129", "10.0.0.1/x")) {
			assertThatExceptionOfType(InvalidSettingsException.class)
				.isThrownBy(() -> MasterConfig
					.load(new MockEnvironment().withProperty("concurrency.multi-jvm.forwarded-allow-ips", bad)))
				.withMessageContaining("concurrency.multi-jvm.forwarded-allow-ips = " + bad);
		}
		assertThat(MasterConfig
			.load(new MockEnvironment().withProperty("concurrency.multi-jvm.forwarded-allow-ips",
					"10.0.0.1,fd00::/8,*"))
			.forwardedAllowIps()
			.isNone()).isFalse();
	}

	@Test
	void sharedSocketWorkersTurnTheServersForwardingSupportOffAndGetTheTrustedAddresses() {
		MasterConfig config = MasterConfig
			.load(new MockEnvironment().withProperty("concurrency.multi-jvm.balancer", "shared-socket")
				.withProperty("concurrency.multi-jvm.forwarded-allow-ips", "10.0.0.0/8, 192.0.2.1"));
		assertThat(config.workerArguments()).contains("--server.forward-headers-strategy=none",
				"--concurrency.multi-jvm.forwarded-allow-ips=10.0.0.0/8,192.0.2.1");
		MasterConfig next = MasterConfig.load(new MockEnvironment());
		assertThat(config.restartOnlyChanges(next)).contains("concurrency.multi-jvm.forwarded-allow-ips");
	}

	@Test
	void workerCapacityIsTheWorkerModelsLimitAndSizesTheProxysConnections() {
		MasterConfig platform = MasterConfig
			.load(new MockEnvironment().withProperty("concurrency.platform.max-threads", "50"));
		assertThat(platform.workerCapacity()).isEqualTo(50);
		assertThat(ProxyBalancer.connectionsPerThread(platform.workerCapacity(), 2)).isEqualTo(25);
		MasterConfig virtual = MasterConfig
			.load(new MockEnvironment().withProperty("concurrency.multi-jvm.worker-model", "virtual"));
		assertThat(virtual.workerCapacity()).isEqualTo(10_000);
		// Bounded by the master's file descriptors, whatever a worker could take.
		assertThat(ProxyBalancer.connectionsPerThread(virtual.workerCapacity(), 2)).isEqualTo(512);
	}

	@Test
	void workerCapacityBacklogAndKeepAliveAreWhatTheWorkerResolvesWithTheServersOwnKeysAdopted() {
		MockEnvironment environment = new MockEnvironment().withProperty("server.tomcat.threads.max", "50")
			.withProperty("server.tomcat.accept-count", "300")
			.withProperty("server.jetty.connection-idle-timeout", "6s");
		MasterConfig platform = MasterConfig.load(environment);
		assertThat(platform.workerCapacity()).isEqualTo(50);
		assertThat(platform.backlog()).isEqualTo(300);
		assertThat(platform.keepAlive()).hasSeconds(6);
		// Under virtual the worker does not adopt the thread keys: its cap is its
		// capacity.
		MasterConfig virtual = MasterConfig
			.load(environment.withProperty("concurrency.multi-jvm.worker-model", "virtual"));
		assertThat(virtual.workerCapacity()).isEqualTo(10_000);
		assertThat(virtual.backlog()).isEqualTo(300);
	}

	@Test
	void theListenerGrantsAClientWhatAWorkerWouldWithTheServersOwnKeysAdopted() {
		ListenerLimits defaults = MasterConfig.load(new MockEnvironment()).listenerLimits();
		// A platform worker takes every open file but an eighth; so does the master.
		long openFiles = OpenFiles.limit();
		int maxConnections = (int) Math.min(1_000_000, openFiles - Math.max(256, openFiles / 8));
		assertThat(defaults).isEqualTo(new ListenerLimits(maxConnections, 8192, Duration.ofSeconds(10),
				Duration.ofSeconds(20), Duration.ofSeconds(20)));
		MockEnvironment environment = new MockEnvironment().withProperty("server.tomcat.max-connections", "500")
			.withProperty("server.max-http-request-header-size", "16KB")
			.withProperty("server.tomcat.keep-alive-timeout", "7s")
			.withProperty("concurrency.multi-jvm.request-header-timeout", "3s");
		assertThat(MasterConfig.load(environment).listenerLimits()).isEqualTo(
				new ListenerLimits(500, 16384, Duration.ofSeconds(3), Duration.ofSeconds(7), Duration.ofSeconds(7)));
		// Under virtual the default follows the cap and the backlog, as in the worker.
		assertThat(
				MasterConfig.load(new MockEnvironment().withProperty("concurrency.multi-jvm.worker-model", "virtual"))
					.listenerLimits()
					.maxConnections())
			.isEqualTo(12_048);
	}

	@Test
	void badListenerLimitsAreReportedWithTheirKeyValueAndWhatIsAllowed() {
		MockEnvironment environment = new MockEnvironment()
			.withProperty("concurrency.multi-jvm.request-header-timeout", "10ms")
			.withProperty("server.max-http-request-header-size", "lots");
		assertThatExceptionOfType(InvalidSettingsException.class).isThrownBy(() -> MasterConfig.load(environment))
			.withMessageContaining("concurrency.multi-jvm.request-header-timeout = 10ms")
			.withMessageContaining("a duration from 100ms to 1h")
			.withMessageContaining("server.max-http-request-header-size = lots")
			.withMessageContaining("a size from 256B to 1GB");
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> MasterConfig
				.load(new MockEnvironment().withProperty("server.max-http-request-header-size", "2GB")))
			.withMessageContaining("server.max-http-request-header-size = 2GB");
	}

	@Test
	void anOpenFileLimitBelowWhatTheProxyMayOpenIsWarnedAbout() {
		MasterConfig config = MasterConfig
			.load(new MockEnvironment().withProperty("concurrency.max-connections", "8192")
				.withProperty("concurrency.multi-jvm.balancer", "proxy"));
		// 8,192 clients, 200 connections to each of 2 workers, 256 more.
		assertThat(config.descriptorShortfall(8848)).isEmpty();
		assertThat(config.descriptorShortfall(-1)).isEmpty();
		assertThat(config.descriptorShortfall(8847)).hasValueSatisfying((warning) -> assertThat(warning)
			.contains("up to 8848 files", "open-file limit is 8847", "concurrency.max-connections=8192"));
		assertThat(ListenerLimits.openFileLimit()).isPositive();
	}

	@Test
	void theBalancerDefaultsToSharedSocketWhereItWorksAndSaysWhy() {
		MasterConfig config = MasterConfig.load(new MockEnvironment(), Optional.empty());
		assertThat(config.balancerName()).isEqualTo("shared-socket");
		assertThat(config.balancerReason()).startsWith("the default on Linux and macOS with Java 22 or later");
	}

	@Test
	void theBalancerDefaultsToTheProxyWhereSharedSocketIsNotAvailableAndSaysWhy() {
		MasterConfig config = MasterConfig.load(new MockEnvironment(),
				Optional.of("it works on Linux and macOS only, and this OS is Windows 11"));
		assertThat(config.balancerName()).isEqualTo("proxy");
		assertThat(config.balancerReason()).isEqualTo("the default here, as shared-socket is not available: it"
				+ " works on Linux and macOS only, and this OS is Windows 11");
	}

	@Test
	void aBalancerSetByTheUserIsKeptAndItsOriginIsTheReason() {
		MasterConfig config = MasterConfig
			.load(new MockEnvironment().withProperty("concurrency.multi-jvm.balancer", "proxy"), Optional.empty());
		assertThat(config.balancerName()).isEqualTo("proxy");
		assertThat(config.balancerReason()).startsWith("concurrency.multi-jvm.balancer=proxy");
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> MasterConfig.load(
					new MockEnvironment().withProperty("concurrency.multi-jvm.balancer", "shared-socket"),
					Optional.of("it needs Java 22 or later (java.lang.foreign), and this JVM is 21")))
			.withMessageContaining("concurrency.multi-jvm.balancer = shared-socket")
			.withMessageContaining("proxy (shared-socket is not available here: it needs Java 22 or later");
	}

	@Test
	void changedListenerLimitsTakeARestartOfTheMaster() {
		MasterConfig running = MasterConfig
			.load(new MockEnvironment().withProperty("concurrency.multi-jvm.balancer", "proxy"));
		MasterConfig next = MasterConfig
			.load(new MockEnvironment().withProperty("concurrency.multi-jvm.balancer", "proxy")
				.withProperty("concurrency.multi-jvm.request-header-timeout", "5s")
				.withProperty("concurrency.max-connections", "1000")
				.withProperty("concurrency.platform.max-threads", "20"));
		assertThat(running.restartOnlyChanges(next))
			.isEqualTo("concurrency.max-connections, concurrency.multi-jvm.request-header-timeout");
		MasterConfig applied = next.keepingRestartOnlySettingsOf(running, (warning) -> {
		});
		assertThat(applied.listenerLimits()).isEqualTo(running.listenerLimits());
		// The workers and the proxy's connections to them take the new settings.
		assertThat(applied.workerCapacity()).isEqualTo(20);
	}

	@Test
	void aWorkerSettingTheWorkerWouldRefuseIsReportedByTheMasterWithItsOwn() {
		MockEnvironment environment = new MockEnvironment().withProperty("concurrency.multi-jvm.workers", "lots")
			.withProperty("concurrency.platform.max-threads", "4")
			.withProperty("server.tomcat.threads.max", "50");
		assertThatExceptionOfType(InvalidSettingsException.class).isThrownBy(() -> MasterConfig.load(environment))
			.withMessageContaining("concurrency.multi-jvm.workers = lots")
			.withMessageContaining("concurrency.platform.max-threads = 4")
			.withMessageContaining("conflicts with server.tomcat.threads.max=50");
	}

	@Test
	void proxyClosesIdleConnectionsBeforeTheWorkersKeepAliveDoes() {
		MasterConfig defaults = MasterConfig.load(new MockEnvironment());
		assertThat(defaults.keepAlive()).hasSeconds(20);
		assertThat(ProxyBalancer.idleConnectionTtl(defaults.keepAlive())).hasSeconds(5);
		MasterConfig shortKeepAlive = MasterConfig
			.load(new MockEnvironment().withProperty("concurrency.keep-alive-timeout", "3s"));
		assertThat(ProxyBalancer.idleConnectionTtl(shortKeepAlive.keepAlive())).hasMillis(1500);
	}

	@Test
	void autoMeansOneWorkerPerProcessor() {
		MasterConfig config = MasterConfig
			.load(new MockEnvironment().withProperty("concurrency.multi-jvm.workers", "auto"));
		assertThat(config.workers()).isEqualTo(Runtime.getRuntime().availableProcessors());
	}

	@Test
	void everyInvalidValueIsReportedWithItsKeyValueAndWhatIsAllowed() {
		MockEnvironment environment = new MockEnvironment().withProperty("concurrency.multi-jvm.workers", "lots")
			.withProperty("concurrency.multi-jvm.max-requests-jitter", "10")
			.withProperty("concurrency.multi-jvm.timeout", "0s");
		assertThatExceptionOfType(InvalidSettingsException.class).isThrownBy(() -> MasterConfig.load(environment))
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
		assertThatExceptionOfType(InvalidSettingsException.class).isThrownBy(() -> MasterConfig.load(environment))
			.withMessageContaining("concurrency.multi-jvm.balancer = round-robin")
			.withMessageContaining("allowed: proxy, shared-socket")
			.withMessageContaining("concurrency.multi-jvm.worker-model = gevent")
			.withMessageContaining("allowed: platform, virtual")
			.withMessageContaining("concurrency.multi-jvm.workers = 0");
	}

	@Test
	void reloadCannotSwitchTheMasterToAnotherModel() {
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> MasterConfig.load(new MockEnvironment().withProperty("concurrency.model", "virtual")))
			.withMessageContaining("concurrency.model = virtual")
			.withMessageContaining("takes a restart of the master");
	}

	@Test
	void portAddressBalancerAndBacklogChangesNeedARestart() {
		MasterConfig running = MasterConfig.load(new MockEnvironment());
		MasterConfig next = MasterConfig.load(new MockEnvironment().withProperty("server.port", "9090")
			.withProperty("concurrency.backlog", "100")
			.withProperty("concurrency.multi-jvm.workers", "5"));
		assertThat(running.restartOnlyChanges(next)).isEqualTo("server.port, concurrency.backlog");
		assertThat(running.restartOnlyChanges(MasterConfig.load(new MockEnvironment()))).isNull();
	}

	@Test
	void rereadingSeesChangedFilesWhileCommandLineArgumentsStillWin(@TempDir Path directory) throws Exception {
		Path file = directory.resolve("application.yml");
		Files.writeString(file, "concurrency.multi-jvm:\n  workers: 3\n  graceful-timeout: 5s\n");
		StandardEnvironment original = new StandardEnvironment();
		original.getPropertySources()
			.addFirst(new SimpleCommandLinePropertySource("--spring.config.additional-location=file:" + directory + "/",
					"--concurrency.multi-jvm.graceful-timeout=7s"));
		SpringApplication application = new SpringApplication(MasterConfigTests.class);
		MasterConfig first = MasterConfig.load(ConfigurationRereader.reread(original, application));
		assertThat(first.workers()).isEqualTo(3);
		assertThat(first.settings().getGracefulTimeout()).hasSeconds(7);
		Files.writeString(file, "concurrency.multi-jvm:\n  workers: 4\n  worker-model: virtual\n");
		MasterConfig second = MasterConfig.load(ConfigurationRereader.reread(original, application));
		assertThat(second.workers()).isEqualTo(4);
		assertThat(second.workerArguments()).contains("--concurrency.model=virtual");
		assertThat(second.settings().getGracefulTimeout()).hasSeconds(7);
	}

	@Test
	void aKeyMisspeltInAFileReadAgainOnReloadIsRefusedAsAtStartup(@TempDir Path directory) throws Exception {
		Path file = directory.resolve("application.yml");
		Files.writeString(file, "concurrency.multi-jvm:\n  workers: 3\n");
		StandardEnvironment original = new StandardEnvironment();
		original.getPropertySources()
			.addFirst(new SimpleCommandLinePropertySource("--spring.config.location=file:" + directory + "/"));
		SpringApplication application = new SpringApplication(MasterConfigTests.class);
		assertThat(MasterConfig.load(ConfigurationRereader.reread(original, application)).workers()).isEqualTo(3);
		Files.writeString(file, "concurrency.multi-jvm:\n  workers: 4\n  gracefull-timeout: 5s\n");
		assertThatExceptionOfType(UnknownSettingsException.class)
			.isThrownBy(() -> ConfigurationRereader.reread(original, application))
			.satisfies((failure) -> assertThat(failure.getUnknown()).singleElement().satisfies((unknown) -> {
				assertThat(unknown.key()).isEqualTo("concurrency.multi-jvm.gracefull-timeout");
				assertThat(String.valueOf(unknown.origin())).contains("application.yml").contains(" - 3:");
				assertThat(unknown.closest()).isEqualTo("concurrency.multi-jvm.graceful-timeout");
			}));
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
		assertThatExceptionOfType(InvalidSettingsException.class).isThrownBy(() -> MasterConfig.load(environment))
			.satisfies((failure) -> assertThat(failure.getViolations()).singleElement().satisfies((violation) -> {
				assertThat(violation.key()).isEqualTo(key);
				assertThat(String.valueOf(violation.value())).isEqualTo(value);
				assertThat(violation.problem()).contains(allowed);
				assertThat(String.valueOf(violation.origin())).contains(key);
			}));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			512MB   | 536870912 | -1
			1gb     | 1073741824 | -1
			80%     | -1        | 80
			12.5 %  | -1        | 12.5
			100%    | -1        | 100
			''      | -1        | -1
			""")
	void maxHeapAfterGcIsASizeOrAPercentageOfTheWorkersMaximumHeapAndUnsetByDefault(String value, long bytes,
			double percent) {
		MockEnvironment environment = new MockEnvironment();
		if (!value.isEmpty()) {
			environment.setProperty("concurrency.multi-jvm.max-heap-after-gc", value);
		}
		HeapLimit limit = MasterConfig.load(environment).heapLimit();
		assertThat(limit.bytes()).isEqualTo(bytes);
		assertThat(limit.percent()).isEqualTo(percent);
		assertThat(limit.bytesOf(1000)).isEqualTo((bytes > 0) ? bytes : (percent > 0) ? (long) (10 * percent) : -1);
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
		assertThatExceptionOfType(InvalidSettingsException.class).isThrownBy(() -> MasterConfig.load(environment))
			.satisfies((failure) -> assertThat(failure.getViolations()).extracting(MasterConfigTests::described)
				.containsExactly(described(inWorker)));
		assertThat(String.valueOf(inWorker.value())).isEqualTo(value);
	}

	private static String described(Violation violation) {
		// Origins are compared by what they say: the same key of the same source.
		return violation.key() + " = " + violation.value() + " (from " + violation.origin() + "): "
				+ violation.problem() + " / " + violation.action();
	}

}
