package io.github.bootconcurrency.autoconfigure.multijvm.master.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheSetting;
import io.github.bootconcurrency.autoconfigure.multijvm.master.balancer.SharedSocket;
import io.github.bootconcurrency.autoconfigure.settings.OpenFiles;
import io.github.bootconcurrency.autoconfigure.testsupport.ProcLimits;
import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MasterConfig}, what the master takes from the application's settings:
 * the workers' count, arguments and capacity, the listener's limits and the open files
 * they take, the balancer by default and as set, the proxy's idle connections, and
 * {@code max-heap-after-gc}. Invalid settings are {@link MasterConfigValidationTests}',
 * the configuration read again on reload {@link MasterConfigReloadTests}'.
 */
class MasterConfigTests {

	@Test
	void defaultsGiveTwoProxiedWorkersOnPort8080() {
		MasterConfig config = MasterConfigLoader.load(
				new MockEnvironment().withProperty("concurrency.model", "multi-jvm"), SharedSocket.unsupportedReason());
		assertThat(config.workers()).isEqualTo(2);
		assertThat(config.port()).isEqualTo(8080);
		// Each worker binds a port of its own choosing and reports it: none is chosen for
		// it.
		assertThat(config.workerArguments()).contains("--concurrency.model=platform", "--server.port=0",
				"--server.address=127.0.0.1");
		assertThat(config.queueTimeout()).isEqualTo(config.timeouts().boot());
	}

	@Test
	void itsTextShowsNoWorkerJvmArgumentForTheyMayHoldSecrets() {
		MasterConfig config = MasterConfigLoader.load(new MockEnvironment()
			.withProperty("concurrency.multi-jvm.jvm-args", "-Djavax.net.ssl.keyStorePassword=hunter2,-Xmx256m"),
				SharedSocket.unsupportedReason());
		assertThat(config.jvmArgs()).contains("-Djavax.net.ssl.keyStorePassword=hunter2");
		assertThat(config.toString()).doesNotContain("hunter2")
			.doesNotContain("-Xmx256m")
			.contains("jvmArgs=[2 not shown]")
			.contains("workers=2");
	}

	@Test
	void workersOfAnActuatorWithAPortOfItsOwnEachTakeOneOnLoopback() {
		MasterConfig config = MasterConfigLoader.load(
				new MockEnvironment().withProperty("management.server.port", "8081"), SharedSocket.unsupportedReason());
		assertThat(config.workerArguments()).contains("--management.server.port=0",
				"--management.server.address=127.0.0.1");
		assertThat(MasterConfigLoader.load(new MockEnvironment(), SharedSocket.unsupportedReason()).workerArguments())
			.noneMatch((argument) -> argument.startsWith("--management.server"));
	}

	@Test
	void sharedSocketWorkersTurnTheServersForwardingSupportOffAndGetTheTrustedAddresses() {
		MasterConfig config = MasterConfigLoader.load(
				new MockEnvironment().withProperty("concurrency.multi-jvm.balancer", "shared-socket")
					.withProperty("concurrency.multi-jvm.forwarded-allow-ips", "10.0.0.0/8, 192.0.2.1"),
				SharedSocket.unsupportedReason());
		assertThat(config.workerArguments()).contains("--server.forward-headers-strategy=none",
				"--concurrency.multi-jvm.forwarded-allow-ips=10.0.0.0/8,192.0.2.1");
		assertThat(config.workerArguments())
			.contains("--concurrency.multi-jvm.forwarded-headers=x-forwarded-for,x-forwarded-proto");
		MasterConfig next = MasterConfigLoader.load(new MockEnvironment(), SharedSocket.unsupportedReason());
		assertThat(config.restartOnlyChanges(next)).contains("concurrency.multi-jvm.forwarded-allow-ips");
	}

	@Test
	void proxyWorkersTurnTheServersForwardingSupportOffAndGetNoTrustedAddresses() {
		MasterConfig config = MasterConfigLoader.load(
				new MockEnvironment().withProperty("concurrency.multi-jvm.balancer", "proxy")
					.withProperty("concurrency.multi-jvm.forwarded-allow-ips", "10.0.0.0/8"),
				SharedSocket.unsupportedReason());
		// They honour the master's secret only (WorkerForwarding).
		assertThat(config.workerArguments()).contains("--server.forward-headers-strategy=none")
			.noneMatch((argument) -> argument.startsWith("--concurrency.multi-jvm.forwarded")
					|| argument.startsWith("--server.tomcat.remoteip"));
	}

	@Test
	void sharedSocketWorkersGetTheRequestHeaderTimeoutToApplyThemselves() {
		MasterConfig config = MasterConfigLoader.load(
				new MockEnvironment().withProperty("concurrency.multi-jvm.balancer", "shared-socket")
					.withProperty("concurrency.multi-jvm.request-header-timeout", "2500ms"),
				SharedSocket.unsupportedReason());
		assertThat(config.workerArguments()).contains("--concurrency.multi-jvm.request-header-timeout=2500ms");
		// Behind the proxy, the master's listener applies it.
		assertThat(MasterConfigLoader
			.load(new MockEnvironment().withProperty("concurrency.multi-jvm.balancer", "proxy")
				.withProperty("concurrency.multi-jvm.request-header-timeout", "2500ms"),
					SharedSocket.unsupportedReason())
			.workerArguments()).noneMatch((argument) -> argument.contains("request-header-timeout"));
	}

	@Test
	void theHeadersATrustedBalancerSetsTakeARestartToChange() {
		MasterConfig config = MasterConfigLoader.load(
				new MockEnvironment().withProperty("concurrency.multi-jvm.forwarded-headers", "forwarded"),
				SharedSocket.unsupportedReason());
		assertThat(config.upstreamHeaders().forwarded()).isTrue();
		MasterConfig next = MasterConfigLoader.load(new MockEnvironment(), SharedSocket.unsupportedReason());
		assertThat(config.restartOnlyChanges(next)).isEqualTo("concurrency.multi-jvm.forwarded-headers");
		List<String> warnings = new ArrayList<>();
		assertThat(next.keepingRestartOnlySettingsOf(config, warnings::add).upstreamHeaders().forwarded()).isTrue();
		assertThat(warnings).singleElement().asString().contains("concurrency.multi-jvm.forwarded-headers");
		assertThat(MasterConfigLoader
			.load(new MockEnvironment().withProperty("concurrency.multi-jvm.forwarded-headers",
					"X-Forwarded-Proto, x-forwarded-for"), SharedSocket.unsupportedReason())
			.restartOnlyChanges(MasterConfigLoader.load(new MockEnvironment(), SharedSocket.unsupportedReason())))
			.isNull();
	}

	@Test
	void workerCapacityBacklogAndKeepAliveAreWhatTheWorkerResolvesWithTheServersOwnKeysAdopted() {
		MockEnvironment environment = new MockEnvironment().withProperty("server.tomcat.threads.max", "50")
			.withProperty("server.tomcat.accept-count", "300")
			.withProperty("server.jetty.connection-idle-timeout", "6s");
		MasterConfig platform = MasterConfigLoader.load(environment, SharedSocket.unsupportedReason());
		assertThat(platform.workerCapacity()).isEqualTo(50);
		assertThat(platform.backlog()).isEqualTo(300);
		assertThat(platform.keepAlive()).hasSeconds(6);
		// Under virtual the worker does not adopt the thread keys: its cap is its
		// capacity.
		MasterConfig virtual = MasterConfigLoader.load(
				environment.withProperty("concurrency.multi-jvm.worker-model", "virtual"),
				SharedSocket.unsupportedReason());
		assertThat(virtual.workerCapacity()).isEqualTo(10_000);
		assertThat(virtual.backlog()).isEqualTo(300);
	}

	@Test
	void theListenerGrantsAClientWhatAWorkerWouldWithTheServersOwnKeysAdopted() {
		ListenerLimits defaults = MasterConfigLoader.load(new MockEnvironment(), SharedSocket.unsupportedReason())
			.listenerLimits();
		// A platform worker takes every open file but an eighth; so does the master.
		long openFiles = OpenFiles.limit();
		int maxConnections = (int) Math.min(1_000_000, openFiles - Math.max(256, openFiles / 8));
		assertThat(defaults).isEqualTo(new ListenerLimits(maxConnections, 8192, Duration.ofSeconds(10),
				Duration.ofSeconds(20), Duration.ofSeconds(20)));
		MockEnvironment environment = new MockEnvironment().withProperty("server.tomcat.max-connections", "500")
			.withProperty("server.max-http-request-header-size", "16KB")
			.withProperty("server.tomcat.keep-alive-timeout", "7s")
			.withProperty("concurrency.multi-jvm.request-header-timeout", "3s");
		assertThat(MasterConfigLoader.load(environment, SharedSocket.unsupportedReason()).listenerLimits()).isEqualTo(
				new ListenerLimits(500, 16384, Duration.ofSeconds(3), Duration.ofSeconds(7), Duration.ofSeconds(7)));
		// Under virtual the default follows the cap and the backlog, as in the worker.
		assertThat(MasterConfigLoader
			.load(new MockEnvironment().withProperty("concurrency.multi-jvm.worker-model", "virtual"),
					SharedSocket.unsupportedReason())
			.listenerLimits()
			.maxConnections()).isEqualTo(12_048);
	}

	@Test
	void anOpenFileLimitBelowWhatTheProxyMayOpenIsWarnedAbout() {
		MasterConfig config = MasterConfigLoader
			.load(new MockEnvironment().withProperty("concurrency.max-connections", "8192")
				.withProperty("concurrency.multi-jvm.balancer", "proxy"), SharedSocket.unsupportedReason());
		// 8,192 clients, 200 connections to each of 2 workers, 256 more.
		assertThat(config.descriptorShortfall(8848)).isEmpty();
		assertThat(config.descriptorShortfall(-1)).isEmpty();
		assertThat(config.descriptorShortfall(8847)).hasValueSatisfying((warning) -> assertThat(warning)
			.contains("up to 8848 files", "open-file limit is 8847", "concurrency.max-connections=8192"));
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void theOpenFileLimitTheMasterWarnsAgainstIsTheSoftLimitTheKernelEnforces() {
		// The master takes an unknown limit (-1) for no limit, and would never warn.
		assertThat(ListenerLimits.openFileLimit()).isEqualTo(ProcLimits.openFilesSoftLimit());
	}

	@Test
	void theBalancerDefaultsToTheProxyWhereSharedSocketWorksTooAndSaysWhy() {
		// shared-socket loses the requests on a crashed worker's connections, which the
		// proxy retries: the default keeps multi-jvm's guarantees.
		MasterConfig config = MasterConfigLoader.load(new MockEnvironment(), Optional.empty());
		assertThat(config.balancerName()).isEqualTo("proxy");
		assertThat(config.balancerReason()).startsWith("the default: ")
			.contains("concurrency.multi-jvm.balancer=shared-socket");
	}

	@Test
	void theBalancerDefaultsToTheProxyWhereSharedSocketIsNotAvailable() {
		MasterConfig config = MasterConfigLoader.load(new MockEnvironment(),
				Optional.of("it works on Linux and macOS only, and this OS is Windows 11"));
		assertThat(config.balancerName()).isEqualTo("proxy");
		assertThat(config.balancerReason()).startsWith("the default: ");
	}

	@Test
	void sharedSocketSetByTheUserStatesItsTradeOffAtStartup() {
		MasterConfig config = MasterConfigLoader.load(
				new MockEnvironment().withProperty("concurrency.multi-jvm.balancer", "shared-socket"),
				Optional.empty());
		assertThat(config.balancerName()).isEqualTo("shared-socket");
		assertThat(config.balancerReason()).startsWith("concurrency.multi-jvm.balancer=shared-socket")
			.contains("a worker that crashes loses the requests on its connections")
			.doesNotContain("\n");
	}

	@Test
	void aBalancerSetByTheUserIsKeptAndItsOriginIsTheReason() {
		MasterConfig config = MasterConfigLoader
			.load(new MockEnvironment().withProperty("concurrency.multi-jvm.balancer", "proxy"), Optional.empty());
		assertThat(config.balancerName()).isEqualTo("proxy");
		assertThat(config.balancerReason()).startsWith("concurrency.multi-jvm.balancer=proxy");
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> MasterConfigLoader.load(
					new MockEnvironment().withProperty("concurrency.multi-jvm.balancer", "shared-socket"),
					Optional.of("it needs Java 22 or later (java.lang.foreign), and this JVM is 21")))
			.withMessageContaining("concurrency.multi-jvm.balancer = shared-socket")
			.withMessageContaining("proxy (shared-socket is not available here: it needs Java 22 or later");
	}

	@Test
	void autoMeansOneWorkerPerProcessor() {
		MasterConfig config = MasterConfigLoader.load(
				new MockEnvironment().withProperty("concurrency.multi-jvm.workers", "auto"),
				SharedSocket.unsupportedReason());
		assertThat(config.workers()).isEqualTo(Runtime.getRuntime().availableProcessors());
	}

	@Test
	void theAotCacheSettingIsResolvedIntoTheConfigurationAndAnImplicitAutoByDefault() {
		assertThat(MasterConfigLoader.load(new MockEnvironment(), SharedSocket.unsupportedReason()).aotCache())
			.isEqualTo(new AotCacheSetting.Auto(false));
		assertThat(MasterConfigLoader
			.load(new MockEnvironment().withProperty(AotCacheSetting.KEY, "auto"), SharedSocket.unsupportedReason())
			.aotCache()).isEqualTo(new AotCacheSetting.Auto(true));
	}

	@Test
	void aBadAotCacheValueIsAStartupErrorNamingKeyValueAndWhatIsAllowed() {
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> MasterConfigLoader.load(new MockEnvironment().withProperty(AotCacheSetting.KEY, "yes"),
					SharedSocket.unsupportedReason()))
			.withMessageContaining("concurrency.multi-jvm.aot-cache = yes")
			.withMessageContaining("off, auto, or the path");
	}

	@Test
	void theMastersOwnJvmOptionsDefaultToASmallHeapTheSerialCollectorAndC1AndAreNeverShown() {
		MasterConfig config = MasterConfigLoader.load(new MockEnvironment(), SharedSocket.unsupportedReason());
		assertThat(config.masterJvmArgs()).contains("-XX:+UseSerialGC", "-Xms8m", "-Xmx512m", "-XX:TieredStopAtLevel=1",
				"-XX:+ExitOnOutOfMemoryError");
		MasterConfig secret = MasterConfigLoader.load(new MockEnvironment()
			.withProperty("concurrency.multi-jvm.master-jvm-args", "-Djavax.net.ssl.keyStorePassword=hunter2"),
				SharedSocket.unsupportedReason());
		assertThat(secret.masterJvmArgs()).containsExactly("-Djavax.net.ssl.keyStorePassword=hunter2");
		assertThat(secret.toString()).doesNotContain("hunter2").contains("masterJvmArgs=[1 not shown]");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			Xmx64m
			-jar
			-cp
			' -Xmx64m'
			""")
	void aMasterJvmArgThatIsNoJvmOptionIsAStartupErrorNamingKeyValueAndWhatIsAllowed(String option) {
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> MasterConfigLoader.load(
					new MockEnvironment().withProperty("concurrency.multi-jvm.master-jvm-args[0]", option),
					SharedSocket.unsupportedReason()))
			.withMessageContaining("concurrency.multi-jvm.master-jvm-args")
			.withMessageContaining(option)
			.withMessageContaining("JVM options such as -Xmx64m");
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
		HeapLimit limit = MasterConfigLoader.load(environment, SharedSocket.unsupportedReason()).heapLimit();
		assertThat(limit.bytes()).isEqualTo(bytes);
		assertThat(limit.percent()).isEqualTo(percent);
		assertThat(limit.bytesOf(1000)).isEqualTo((bytes > 0) ? bytes : (percent > 0) ? (long) (10 * percent) : -1);
	}

}
