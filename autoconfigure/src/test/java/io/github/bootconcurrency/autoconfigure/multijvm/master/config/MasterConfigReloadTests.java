package io.github.bootconcurrency.autoconfigure.multijvm.master.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.bootconcurrency.autoconfigure.multijvm.master.balancer.SharedSocket;
import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import io.github.bootconcurrency.autoconfigure.validation.UnknownSettingsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the master's configuration read again on reload: the files are read again
 * while command-line arguments still win, a misspelt key is refused as at startup, and a
 * change that takes a restart of the master (its port, address, backlog, queue timeout,
 * listener limits or model) is reported while the running value stays.
 */
class MasterConfigReloadTests {

	@Test
	void aChangedQueueTimeoutTakesARestartOfTheMaster() {
		MasterConfig running = MasterConfigLoader.load(new MockEnvironment(), SharedSocket.unsupportedReason());
		MasterConfig next = MasterConfigLoader.load(
				new MockEnvironment().withProperty("concurrency.multi-jvm.queue-timeout", "5s"),
				SharedSocket.unsupportedReason());
		assertThat(running.restartOnlyChanges(next)).isEqualTo("concurrency.multi-jvm.queue-timeout");
		List<String> warnings = new ArrayList<>();
		assertThat(next.keepingRestartOnlySettingsOf(running, warnings::add).queueTimeout())
			.isEqualTo(running.queueTimeout());
		assertThat(warnings).singleElement().asString().contains("takes a restart of the master");
	}

	@Test
	void aChangedAotCacheTakesARestartOfTheMaster() {
		// The master opens its cache store once, at startup.
		MasterConfig running = MasterConfigLoader.load(new MockEnvironment(), SharedSocket.unsupportedReason());
		MasterConfig next = MasterConfigLoader.load(
				new MockEnvironment().withProperty("concurrency.multi-jvm.aot-cache", "auto"),
				SharedSocket.unsupportedReason());
		assertThat(running.restartOnlyChanges(next)).isEqualTo("concurrency.multi-jvm.aot-cache");
		assertThat(next.keepingRestartOnlySettingsOf(running, (warning) -> {
		}).aotCache()).isEqualTo(running.aotCache());
	}

	@Test
	void changedMasterJvmArgsTakeARestartOfTheMaster() {
		// The master's JVM is started once.
		MasterConfig running = MasterConfigLoader.load(new MockEnvironment(), SharedSocket.unsupportedReason());
		MasterConfig next = MasterConfigLoader.load(
				new MockEnvironment().withProperty("concurrency.multi-jvm.master-jvm-args", "-Xmx64m"),
				SharedSocket.unsupportedReason());
		assertThat(running.restartOnlyChanges(next)).isEqualTo("concurrency.multi-jvm.master-jvm-args");
		assertThat(next.keepingRestartOnlySettingsOf(running, (warning) -> {
		}).masterJvmArgs()).isEqualTo(running.masterJvmArgs());
	}

	@Test
	void changedListenerLimitsTakeARestartOfTheMaster() {
		MasterConfig running = MasterConfigLoader.load(
				new MockEnvironment().withProperty("concurrency.multi-jvm.balancer", "proxy"),
				SharedSocket.unsupportedReason());
		MasterConfig next = MasterConfigLoader
			.load(new MockEnvironment().withProperty("concurrency.multi-jvm.balancer", "proxy")
				.withProperty("concurrency.multi-jvm.request-header-timeout", "5s")
				.withProperty("concurrency.max-connections", "1000")
				.withProperty("concurrency.platform.max-threads", "20"), SharedSocket.unsupportedReason());
		assertThat(running.restartOnlyChanges(next))
			.isEqualTo("concurrency.max-connections, concurrency.multi-jvm.request-header-timeout");
		MasterConfig applied = next.keepingRestartOnlySettingsOf(running, (warning) -> {
		});
		assertThat(applied.listenerLimits()).isEqualTo(running.listenerLimits());
		// The workers and the proxy's connections to them take the new settings.
		assertThat(applied.workerCapacity()).isEqualTo(20);
	}

	@Test
	void reloadCannotSwitchTheMasterToAnotherModel() {
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(
					() -> MasterConfigLoader.load(new MockEnvironment().withProperty("concurrency.model", "virtual"),
							SharedSocket.unsupportedReason()))
			.withMessageContaining("concurrency.model = virtual")
			.withMessageContaining("takes a restart of the master");
	}

	@Test
	void reloadAcceptsMultiJvmHoweverItIsSpeltAndRefusesAModelThatDoesNotExist() {
		assertThat(MasterConfigLoader
			.load(new MockEnvironment().withProperty("concurrency.model", " Multi_JVM "), Optional.empty())
			.workers()).isEqualTo(2);
		// Refused when the properties are bound, before the model is compared.
		assertThatException()
			.isThrownBy(() -> MasterConfigLoader.load(new MockEnvironment().withProperty("concurrency.model", "fibers"),
					Optional.empty()))
			.withMessageContaining("concurrency.model");
	}

	@Test
	void reloadCannotTurnTheStarterOff() {
		// Workers read the files again: with the starter off they would never register.
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(
					() -> MasterConfigLoader.load(new MockEnvironment().withProperty("concurrency.enabled", "false"),
							SharedSocket.unsupportedReason()))
			.withMessageContaining("concurrency.enabled = false")
			.withMessageContaining("takes a restart of the master");
	}

	@Test
	void reloadCannotMakeTheWorkersReactive() {
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> MasterConfigLoader.load(
					new MockEnvironment().withProperty("spring.main.web-application-type", "reactive"),
					SharedSocket.unsupportedReason()))
			.withMessageContaining("spring.main.web-application-type = reactive")
			.withMessageContaining("takes a restart of the master");
	}

	@Test
	void portAddressBalancerAndBacklogChangesNeedARestart() {
		MasterConfig running = MasterConfigLoader.load(new MockEnvironment(), SharedSocket.unsupportedReason());
		MasterConfig next = MasterConfigLoader.load(new MockEnvironment().withProperty("server.port", "9090")
			.withProperty("concurrency.backlog", "100")
			.withProperty("concurrency.multi-jvm.workers", "5"), SharedSocket.unsupportedReason());
		assertThat(running.restartOnlyChanges(next)).isEqualTo("server.port, concurrency.backlog");
		assertThat(running
			.restartOnlyChanges(MasterConfigLoader.load(new MockEnvironment(), SharedSocket.unsupportedReason())))
			.isNull();
	}

	@Test
	void aReloadKeepsTheRunningRestartOnlySettingsInANewConfigAndChangesNeitherOfTheTwo() {
		MasterConfig running = MasterConfigLoader
			.load(new MockEnvironment().withProperty("concurrency.multi-jvm.pidfile", "/run/a.pid")
				.withProperty("concurrency.multi-jvm.forwarded-allow-ips", "10.0.0.1")
				.withProperty("concurrency.multi-jvm.forwarded-headers", "forwarded"), Optional.empty());
		MasterConfig next = MasterConfigLoader
			.load(new MockEnvironment().withProperty("concurrency.multi-jvm.pidfile", "/run/b.pid")
				.withProperty("concurrency.multi-jvm.forwarded-allow-ips", "10.0.0.2")
				.withProperty("concurrency.multi-jvm.graceful-timeout", "7s")
				.withProperty("concurrency.multi-jvm.workers", "3"), Optional.empty());
		MasterConfig applied = next.keepingRestartOnlySettingsOf(running, (warning) -> {
		});
		assertThat(applied).isNotSameAs(next).isNotSameAs(running);
		assertThat(applied.pidfile()).isEqualTo(Path.of("/run/a.pid"));
		assertThat(applied.forwarding()).isEqualTo(running.forwarding());
		assertThat(applied.balancer()).isEqualTo(running.balancer());
		assertThat(applied.workers()).isEqualTo(3);
		assertThat(applied.timeouts().graceful()).hasSeconds(7);
		// What was read on reload stays as read: it was never the running one's to
		// change.
		assertThat(next.pidfile()).isEqualTo(Path.of("/run/b.pid"));
		assertThat(next.forwarding().allowIps()).containsExactly("10.0.0.2");
		assertThat(next.forwarding().headers()).containsExactly("x-forwarded-for", "x-forwarded-proto");
		assertThat(running.pidfile()).isEqualTo(Path.of("/run/a.pid"));
	}

	@Test
	void aLoadedConfigSharesNoListWithTheBoundProperties() {
		MasterConfig config = MasterConfigLoader
			.load(new MockEnvironment().withProperty("concurrency.multi-jvm.jvm-args", "-Xmx64m"), Optional.empty());
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> config.jvmArgs().add("-Xmx1g"));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> config.forwarding().allowIps().add("0.0.0.0/0"));
		assertThat(config.jvmArgs()).containsExactly("-Xmx64m");
	}

	@Test
	void rereadingSeesChangedFilesWhileCommandLineArgumentsStillWin(@TempDir Path directory) throws Exception {
		Path file = directory.resolve("application.yml");
		Files.writeString(file, "concurrency.multi-jvm:\n  workers: 3\n  graceful-timeout: 5s\n");
		StandardEnvironment original = new StandardEnvironment();
		original.getPropertySources()
			.addFirst(new SimpleCommandLinePropertySource("--spring.config.additional-location=file:" + directory + "/",
					"--concurrency.multi-jvm.graceful-timeout=7s"));
		SpringApplication application = new SpringApplication(MasterConfigReloadTests.class);
		MasterConfig first = MasterConfigLoader.load(ConfigurationRereader.reread(original, application),
				SharedSocket.unsupportedReason());
		assertThat(first.workers()).isEqualTo(3);
		assertThat(first.timeouts().graceful()).hasSeconds(7);
		Files.writeString(file, "concurrency.multi-jvm:\n  workers: 4\n  worker-model: virtual\n");
		MasterConfig second = MasterConfigLoader.load(ConfigurationRereader.reread(original, application),
				SharedSocket.unsupportedReason());
		assertThat(second.workers()).isEqualTo(4);
		assertThat(second.workerArguments()).contains("--concurrency.model=virtual");
		assertThat(second.timeouts().graceful()).hasSeconds(7);
	}

	@Test
	void aKeyMisspeltInAFileReadAgainOnReloadIsRefusedAsAtStartup(@TempDir Path directory) throws Exception {
		Path file = directory.resolve("application.yml");
		Files.writeString(file, "concurrency.multi-jvm:\n  workers: 3\n");
		StandardEnvironment original = new StandardEnvironment();
		original.getPropertySources()
			.addFirst(new SimpleCommandLinePropertySource("--spring.config.location=file:" + directory + "/"));
		SpringApplication application = new SpringApplication(MasterConfigReloadTests.class);
		assertThat(MasterConfigLoader
			.load(ConfigurationRereader.reread(original, application), SharedSocket.unsupportedReason())
			.workers()).isEqualTo(3);
		Files.writeString(file, "concurrency.multi-jvm:\n  workers: 4\n  gracefull-timeout: 5s\n");
		assertThatExceptionOfType(UnknownSettingsException.class)
			.isThrownBy(() -> ConfigurationRereader.reread(original, application))
			.satisfies((failure) -> assertThat(failure.getUnknown()).singleElement().satisfies((unknown) -> {
				assertThat(unknown.key()).isEqualTo("concurrency.multi-jvm.gracefull-timeout");
				assertThat(String.valueOf(unknown.origin())).contains("application.yml").contains(" - 3:");
				assertThat(unknown.closest()).isEqualTo("concurrency.multi-jvm.graceful-timeout");
			}));
	}

	@Test
	void rereadingSeesWhatOnlyTheStartupPostProcessorsSeeSuchAsSpringApplicationJson() {
		StandardEnvironment original = new StandardEnvironment();
		original.getPropertySources()
			.addFirst(new SimpleCommandLinePropertySource("--spring.application.json={\"concurrency\":{\"multi-jvm\":"
					+ "{\"workers\":3,\"worker-model\":\"virtual\",\"jvm-args\":[\"-Dmarker=x\"]}}}"));
		SpringApplication application = new SpringApplication(MasterConfigReloadTests.class);
		MasterConfig reread = MasterConfigLoader.load(ConfigurationRereader.reread(original, application),
				SharedSocket.unsupportedReason());
		assertThat(reread.workers()).isEqualTo(3);
		assertThat(reread.workerArguments()).contains("--concurrency.model=virtual");
		assertThat(reread.jvmArgs()).containsExactly("-Dmarker=x");
	}

	@Test
	void theMastersOwnPostProcessorIsTheOneLeftOut() throws Exception {
		assertThat(Class.forName(ConfigurationRereader.MASTER_TAKEOVER))
			.isAssignableTo(org.springframework.boot.EnvironmentPostProcessor.class);
	}

}
