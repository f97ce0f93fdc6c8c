package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheSetting.Auto;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheSetting.Off;
import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheSetting.UserFile;
import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import io.github.bootconcurrency.autoconfigure.validation.SettingsChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link AotCacheSetting}.
 */
class AotCacheSettingTests {

	private static final Runtime.Version JAVA_25 = Runtime.Version.parse("25.0.3+9-LTS");

	private static final Runtime.Version JAVA_21 = Runtime.Version.parse("21.0.9+10-LTS");

	@TempDir
	Path directory;

	@Test
	void autoIsTheDefaultAndOffTurnsItOff() {
		assertThat(AotCacheSetting.parse(null, JAVA_25)).isEqualTo(new Auto(false));
		assertThat(AotCacheSetting.parse("", JAVA_25)).isEqualTo(new Auto(false));
		assertThat(AotCacheSetting.parse(" AUTO ", JAVA_25)).isEqualTo(new Auto(true));
		assertThat(AotCacheSetting.parse("off", JAVA_25)).isInstanceOf(Off.class);
		assertThat(AotCacheSetting.parse("false", JAVA_21)).isInstanceOf(Off.class);
	}

	@Test
	void anUnsetKeyIsNotAnExplicitAuto() {
		// Only a default gives the cache up on a tmpfs (WorkerAotCacheTests): the
		// user who wrote auto keeps it there.
		assertThat(AotCacheSetting.parse(null, JAVA_25)).isEqualTo(AotCacheSetting.unset())
			.isNotEqualTo(AotCacheSetting.parse("auto", JAVA_25))
			.isNotEqualTo(new Auto(true));
		assertThat(AotCacheSetting.parse("auto", JAVA_25)).isInstanceOfSatisfying(Auto.class,
				(auto) -> assertThat(auto.explicit()).isTrue());
		assertThat(new Auto(false).resolve(JAVA_25, true, List.of())).as("the default").isEqualTo(new Auto(false));
	}

	@Test
	void theValueBoundForAnUnsetKeyIsTheDefaultNotAValueTheUserWrote() {
		// MultiJvmProperties binds its own default when the key is unset.
		StandardEnvironment environment = new StandardEnvironment();
		SettingsChecks checks = new SettingsChecks(environment);
		assertThat(AotCacheSetting.check("auto", JAVA_25, environment, checks)).isEqualTo(AotCacheSetting.unset());
		assertThat(check("auto", JAVA_25)).isEqualTo(new Auto(true));
		StandardEnvironment relaxed = new StandardEnvironment();
		relaxed.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("CONCURRENCY_MULTIJVM_AOTCACHE", "auto")));
		assertThat(AotCacheSetting.check("auto", JAVA_25, relaxed, new SettingsChecks(relaxed)))
			.as("in any relaxed form of the key")
			.isEqualTo(new Auto(true));
	}

	@Test
	void aReadableFileIsTheUsersCache() throws IOException {
		Path cache = Files.writeString(this.directory.resolve("app.aot"), "cache");
		assertThat(AotCacheSetting.parse(cache.toString(), JAVA_25)).isEqualTo(new UserFile(cache));
	}

	@Test
	void aPathThatDoesNotExistIsAStartupErrorNamingTheKeyTheValueAndWhatIsAllowed() {
		Path missing = this.directory.resolve("missing.aot");
		assertThatExceptionOfType(InvalidSettingsException.class).isThrownBy(() -> check(missing.toString(), JAVA_25))
			.withMessageContaining("concurrency.multi-jvm.aot-cache = " + missing)
			.withMessageContaining("from property source \"test\"")
			.withMessageContaining("allowed: off, auto, or the path of a readable AOT cache file")
			.withMessageContaining(missing + " does not exist");
	}

	@Test
	void onAsYamlReadsItIsRefusedRatherThanTakenForAFileNamedTrue() {
		assertThatExceptionOfType(InvalidSettingsException.class).isThrownBy(() -> check("true", JAVA_25))
			.withMessageContaining("concurrency.multi-jvm.aot-cache = true")
			.withMessageContaining("'true' is none of them: write auto (YAML reads an unquoted on or yes as true)");
	}

	@Test
	void aDirectoryIsNoCacheFile() {
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> check(this.directory.toString(), JAVA_25))
			.withMessageContaining(this.directory + " is not a regular file");
	}

	@Test
	void aUsersCacheOnAJvmWithoutAotCachesIsAStartupError() throws IOException {
		Path cache = Files.writeString(this.directory.resolve("app.aot"), "cache");
		assertThatExceptionOfType(InvalidSettingsException.class).isThrownBy(() -> check(cache.toString(), JAVA_21))
			.withMessageContaining("this JVM is Java 21, which has no AOT cache");
	}

	@Test
	void autoIsOffWithAReasonOnAJvmWithoutAotCaches() {
		assertThat(new Auto(true).resolve(JAVA_21, true, List.of()))
			.isEqualTo(new Off("Java 21 has no AOT cache that records as the JVM exits (Java 25 or later)"));
		assertThat(new Auto(true).resolve(Runtime.Version.parse("24.0.2"), true, List.of())).isInstanceOf(Off.class);
		assertThat(new Auto(true).resolve(JAVA_25, true, List.of("-XX:+UseSerialGC"))).isEqualTo(new Auto(true));
	}

	@Test
	void autoIsOffForAnApplicationNotStartedFromAJar() {
		assertThat(new Auto(true).resolve(JAVA_25, false, List.of())).isInstanceOfSatisfying(Off.class,
				(off) -> assertThat(off.reason()).contains("not started with java -jar"));
	}

	@Test
	void optionsThatManageClassDataSharingTurnAnyCacheOffNamingTheOption() {
		UserFile user = new UserFile(this.directory.resolve("app.aot"));
		for (String option : List.of("-Xshare:off", "-XX:SharedArchiveFile=app.jsa", "-XX:AOTCache=mine.aot",
				"-XX:AOTCacheOutput=mine.aot", "-XX:AOTMode=on")) {
			assertThat(new Auto(true).resolve(JAVA_25, true, List.of("-Xmx1g", option)))
				.isEqualTo(new Off("the workers' JVM options manage class data sharing already (" + option + ")"));
			assertThat(user.resolve(JAVA_25, true, List.of(option))).isInstanceOf(Off.class);
		}
		assertThat(user.resolve(JAVA_25, false, List.of())).isEqualTo(user);
	}

	@Test
	void moduleOptionsUnderWhichTheJvmIgnoresACacheTurnItOffNamingTheOption() {
		for (String option : List.of("--patch-module=java.base=patch.jar", "--limit-modules",
				"--upgrade-module-path")) {
			assertThat(new Auto(true).resolve(JAVA_25, true, List.of("-Xmx1g", option)))
				.isEqualTo(new Off("the workers' JVM options make the JVM ignore an AOT cache (" + option + ")"));
		}
	}

	@Test
	void aJavaAgentTurnsAutoOffNamingTheAgentWithoutItsOptions() {
		for (String option : List.of("-javaagent:/opt/apm/agent.jar=api-key=hunter2",
				"-agentpath:/opt/apm/libagent.so")) {
			assertThat(new Auto(true).resolve(JAVA_25, true, List.of("-Xmx1g", option))).isInstanceOfSatisfying(
					Off.class,
					(off) -> assertThat(off.reason()).startsWith("a Java agent is loaded (").doesNotContain("hunter2"));
		}
		assertThat(new Auto(true).resolve(JAVA_25, true, List.of("-javaagent:/opt/apm/agent.jar=api-key=hunter2")))
			.isEqualTo(new Off("a Java agent is loaded (-javaagent:/opt/apm/agent.jar): the JVM does not open an AOT "
					+ "cache beside one"));
		UserFile user = new UserFile(this.directory.resolve("app.aot"));
		assertThat(user.resolve(JAVA_25, true, List.of("-javaagent:apm.jar"))).as("the user's own file is given")
			.isEqualTo(user);
	}

	@Test
	void aNativeAgentNamedByItsLibraryTurnsAutoOffWithoutItsOptions() {
		// JDWP in JAVA_TOOL_OPTIONS, which workers inherit as it is: each would refuse.
		assertThat(new Auto(true).resolve(JAVA_25, true, List.of("-agentlib:jdwp=transport=dt_socket,server=y")))
			.isEqualTo(new Off(
					"a Java agent is loaded (-agentlib:jdwp): the JVM does not open an AOT cache beside " + "one"));
	}

	private static AotCacheSetting check(String value, Runtime.Version version) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of(AotCacheSetting.KEY, value)));
		SettingsChecks checks = new SettingsChecks(environment);
		AotCacheSetting setting = AotCacheSetting.check(value, version, environment, checks);
		checks.throwIfInvalid();
		return setting;
	}

}
