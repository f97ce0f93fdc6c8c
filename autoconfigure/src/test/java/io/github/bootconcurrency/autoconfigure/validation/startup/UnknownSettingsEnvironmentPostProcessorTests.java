package io.github.bootconcurrency.autoconfigure.validation.startup;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmProperties;
import io.github.bootconcurrency.autoconfigure.profiles.FailFastProfilesProperties;
import io.github.bootconcurrency.autoconfigure.redis.FailFastRedisProperties;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencyProperties;
import io.github.bootconcurrency.autoconfigure.validation.UnknownSetting;
import io.github.bootconcurrency.autoconfigure.validation.UnknownSettingsException;
import io.github.bootconcurrency.autoconfigure.testsupport.ConfigDataEnvironments;
import org.apache.commons.logging.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link UnknownSettingsEnvironmentPostProcessor}, with configuration files
 * read as Spring Boot reads them.
 */
class UnknownSettingsEnvironmentPostProcessorTests {

	private final List<String> warnings = new CopyOnWriteArrayList<>();

	@TempDir
	Path config;

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "concurrency.request-timout, concurrency.request-timeout",
			"concurrency.virtual.max-concurent-requests, concurrency.virtual.max-concurrent-requests",
			"fail-fast.redis.atempts, fail-fast.redis.attempts",
			"fail-fast.redis.max-backof, fail-fast.redis.max-backoff",
			"fail-fast.profile.unknown, fail-fast.profiles.unknown",
			"concurrency.platform.maxThread, concurrency.platform.max-threads",
			"concurrency.multiJvm.maxRequest, concurrency.multi-jvm.max-requests",
			"concurrency.multi-jvm.jvm-arg, concurrency.multi-jvm.jvm-args" })
	void unknownKeyFailsStartupNamingTheKeyTheFileAndLineAndTheClosestKnownKey(String key, String closest)
			throws Exception {
		Files.writeString(this.config.resolve("application.yml"), "server.port: 8081\n" + key + ": 5\n");
		assertThatExceptionOfType(UnknownSettingsException.class).isThrownBy(this::postProcess).satisfies((failure) -> {
			UnknownSetting unknown = failure.getUnknown().get(0);
			assertThat(failure.getUnknown()).hasSize(1);
			assertThat(unknown.key()).isEqualTo(key);
			assertThat(String.valueOf(unknown.origin())).contains("application.yml").contains(" - 2:");
			assertThat(unknown.closest()).isEqualTo(closest);
			FailureAnalysis analysis = analysis(failure);
			assertThat(analysis.getDescription()).contains("(no active profile)")
				.contains(key + " (from ")
				.contains("closest known key: " + closest);
			assertThat(analysis.getAction()).contains("Correct " + key + " (to " + closest);
		});
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "concurrency.platform.queue-size", "concurrency.virtual.pool", "concurrency.multi-jvm.x",
			"concurrency.multiJvm.anything", "concurrency.actuator.other", "concurrency.advice.level",
			"fail-fast.redis.database", "fail-fast.profiles.other", "concurrency.model.name",
			"concurrency.multi-jvn.workers", "concurrency.mode", "concurrency.mdoel", "concurrency.reqeust-timeout",
			"concurrency.keepalive-timout", "fail-fast.rediss.attempts", "fail-fast.profile.known",
			// A starter key written without its group, or with its last word left off.
			"concurrency.max-threads", "concurrency.workers", "concurrency.queue-timeout",
			"concurrency.max-concurrent-requests", "concurrency.keep-alive", "fail-fast.attempts",
			"concurrency.maxThreads", "concurrency.max-thread" })
	void unknownKeyInOneOfTheStartersGroupsOrATypoOfOneOfItsKeysIsRefused(String key) throws Exception {
		Files.writeString(this.config.resolve("application.yml"), key + ": 5\n");
		assertThatExceptionOfType(UnknownSettingsException.class).isThrownBy(this::postProcess)
			.satisfies(
					(failure) -> assertThat(failure.getUnknown()).extracting(UnknownSetting::key).containsExactly(key));
	}

	// One generic word is an application's own as likely as a starter key without its
	// group: fail-fast.enabled is not taken for fail-fast.redis.enabled.
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "fail-fast.enabled", "fail-fast.timeout", "fail-fast.backoff", "fail-fast.enable",
			"concurrency.timeout", "concurrency.limit", "concurrency.limits", "concurrency.readiness" })
	void applicationsOwnOneWordKeysThatAStarterKeyEndsWithAreOnlyWarnedAbout(String key) throws Exception {
		Files.writeString(this.config.resolve("application.yml"), key + ": 5\n");
		assertThatNoException().isThrownBy(this::postProcess);
		assertThat(this.warnings).singleElement().asString().contains(key).contains("left to the application");
	}

	@Test
	void applicationsOwnKeysUnderThePrefixesAreWarnedAboutInOneLineAndStartupGoesOn() throws Exception {
		// An application's own settings for its own executor, levels and database: far
		// from any key of the starter's.
		Files.writeString(this.config.resolve("application.yml"), """
				concurrency:
				  pool-size: 8
				  level: 3
				  executor.queue-capacity: 100
				  model: virtual
				fail-fast:
				  db.timeout: 2s
				""");
		assertThatNoException().isThrownBy(() -> postProcess("--concurrency.pool-size=9"));
		assertThat(this.warnings).singleElement()
			.asString()
			.contains("concurrency.pool-size, concurrency.level, concurrency.executor.queue-capacity, "
					+ "fail-fast.db.timeout.")
			.contains("left to the application")
			.doesNotContain("concurrency.model");
	}

	@Test
	void anApplicationsOwnKeyWrittenInTwoFormsIsNamedOnceInItsCanonicalForm() throws Exception {
		Files.writeString(this.config.resolve("application.yml"), """
				concurrency:
				  poolSize: 8
				  level: 3
				""");
		assertThatNoException().isThrownBy(() -> postProcess("--concurrency.pool-size=9", "--concurrency.pool_size=9"));
		assertThat(this.warnings).singleElement()
			.asString()
			.contains("left to the application: concurrency.pool-size, concurrency.level.")
			.doesNotContain("poolSize")
			.doesNotContain("pool_size");
	}

	@Test
	void aTypoNextToAnApplicationsOwnKeyStillStopsStartupAndNothingIsWarnedAbout() throws Exception {
		Files.writeString(this.config.resolve("application.yml"), """
				concurrency:
				  pool-size: 8
				  platform.max-thread: 5
				""");
		assertThatExceptionOfType(UnknownSettingsException.class).isThrownBy(this::postProcess)
			.satisfies((failure) -> assertThat(failure.getUnknown()).extracting(UnknownSetting::key)
				.containsExactly("concurrency.platform.max-thread"));
		assertThat(this.warnings).isEmpty();
	}

	@Test
	void everyUnknownKeyIsReportedAtOnceWithItsSource() throws Exception {
		Files.writeString(this.config.resolve("application.yml"), """
				concurrency:
				  virtual:
				    max-concurent-requests: 5
				fail-fast.redis.atempts: 2
				""");
		assertThatExceptionOfType(UnknownSettingsException.class)
			.isThrownBy(() -> postProcess("--concurrency.request-timout=2s"))
			.satisfies((failure) -> assertThat(failure.getUnknown())
				.extracting((unknown) -> unknown.key() + " @ " + unknown.origin())
				.containsExactlyInAnyOrder(
						"concurrency.request-timout @ \"concurrency.request-timout\" from property source "
								+ "\"commandLineArgs\"",
						"concurrency.virtual.max-concurent-requests @ URL [file:"
								+ this.config.resolve("application.yml") + "] - 3:29",
						"fail-fast.redis.atempts @ URL [file:" + this.config.resolve("application.yml") + "] - 4:26"));
	}

	@Test
	void knownKeysPassInEveryRelaxedFormWithListIndexesAndEmptyGroups() throws Exception {
		Files.writeString(this.config.resolve("application.yml"), """
				concurrency:
				  multiJvm:
				    workers: 3
				    jvm-args:
				      - -Xmx256m
				      - -XX:+UseSerialGC
				  multi_jvm.boot-timeout: 10s
				  PLATFORM.MAX-THREADS: 20
				  virtual:
				  actuator.sanitize-secrets.enabled: true
				fail-fast:
				""");
		assertThatNoException().isThrownBy(() -> postProcess("--concurrency.multi-jvm.jvm-args[2]=-Xss512k",
				"--fail-fast.profiles.known=metrics,tracing", "--fail-fast.profiles.known[3]=x"));
		assertThat(this.warnings).isEmpty();
	}

	@Test
	void everyPropertyOfThePropertiesClassesIsKnown() {
		// Derived from the classes, as another developer's new key would be: the check
		// must never refuse a key that a properties class binds.
		Map<String, Object> all = new LinkedHashMap<>();
		for (Class<?> type : List.of(ConcurrencyProperties.class, MultiJvmProperties.class,
				FailFastRedisProperties.class, FailFastProfilesProperties.class)) {
			String prefix = type.getAnnotation(ConfigurationProperties.class).value();
			bindableKeys(prefix, type).forEach((key) -> all.put(key, "1"));
		}
		assertThat(all).containsKeys("concurrency.multi-jvm.max-requests-jitter", "fail-fast.redis.max-backoff",
				"fail-fast.profiles.known");
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("every key", all));
		assertThatNoException()
			.isThrownBy(() -> processor().postProcessEnvironment(environment, new SpringApplication()));
	}

	@Test
	void environmentVariablesAreReadInTheirRelaxedFormsAndAnUnknownOneIsOnlyWarnedAbout() {
		Map<String, Object> variables = new LinkedHashMap<>();
		variables.put("CONCURRENCY_MULTIJVM_WORKERS", "3");
		variables.put("CONCURRENCY_MULTI_JVM_BOOT_TIMEOUT", "10s");
		variables.put("CONCURRENCY_MULTIJVM_JVMARGS_0_", "-Xmx256m");
		variables.put("FAIL_FAST_REDIS_ATTEMPTS", "2");
		variables.put("FAILFAST_PROFILES_KNOWN_0", "metrics");
		// Set by the master for its workers: not settings.
		variables.put("CONCURRENCY_WORKER_ID", "1");
		variables.put("CONCURRENCY_MASTER_PID", "42");
		variables.put("CONCURRENCYLEVEL", "8");
		variables.put("CONCURRENCY_VIRTUAL_MAXCONCURENTREQUESTS", "5");
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
		assertThatNoException()
			.isThrownBy(() -> processor().postProcessEnvironment(environment, new SpringApplication()));
		assertThat(this.warnings).singleElement()
			.asString()
			.contains("The environment variable CONCURRENCY_VIRTUAL_MAXCONCURENTREQUESTS")
			.contains("closest known key: concurrency.virtual.max-concurrent-requests "
					+ "(CONCURRENCY_VIRTUAL_MAXCONCURRENTREQUESTS)");
	}

	@Test
	void runsOnceTheConfigurationIsLoadedAndBeforeTheMasterTakesOverTheJvm() {
		// MultiJvmEnvironmentPostProcessor has the lowest precedence.
		assertThat(processor().getOrder()).isGreaterThan(ConfigDataEnvironmentPostProcessor.ORDER)
			.isLessThan(Ordered.LOWEST_PRECEDENCE);
	}

	private static List<String> bindableKeys(String prefix, Class<?> type) {
		List<String> keys = new ArrayList<>();
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
			if (property.getReadMethod() == null || property.getName().equals("class")) {
				continue;
			}
			String key = prefix + "." + property.getName().replaceAll("([A-Z])", "-$1").toLowerCase();
			Class<?> propertyType = property.getPropertyType();
			if (property.getWriteMethod() == null && propertyType.getEnclosingClass() == type) {
				keys.addAll(bindableKeys(key, propertyType));
			}
			else if (property.getWriteMethod() != null) {
				keys.add(key);
			}
		}
		return keys;
	}

	private static FailureAnalysis analysis(Throwable failure) {
		// As Spring Boot finds it: through spring.factories.
		for (FailureAnalyzer analyzer : SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, FailureHandler.handleMessage((message, ex) -> {
			}))) {
			FailureAnalysis analysis = analyzer.analyze(failure);
			if (analysis != null) {
				return analysis;
			}
		}
		throw new AssertionError("no failure analyzer describes " + failure);
	}

	private StandardEnvironment environment(String... arguments) {
		return ConfigDataEnvironments.load(this.config, arguments);
	}

	private void postProcess(String... arguments) {
		processor().postProcessEnvironment(environment(arguments), new SpringApplication());
	}

	private UnknownSettingsEnvironmentPostProcessor processor() {
		Log log = (Log) Proxy.newProxyInstance(Log.class.getClassLoader(), new Class<?>[] { Log.class },
				(proxy, method, args) -> {
					if (method.getName().equals("warn")) {
						this.warnings.add(String.valueOf(args[0]));
					}
					return method.getReturnType().equals(boolean.class) ? true : null;
				});
		return new UnknownSettingsEnvironmentPostProcessor((destination) -> log);
	}

}
