package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;
import io.github.bootconcurrency.autoconfigure.validation.SettingsChecks;
import io.github.bootconcurrency.autoconfigure.validation.Violation;

import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;

/**
 * {@code concurrency.multi-jvm.aot-cache}: whether the workers start with an
 * ahead-of-time cache (JEP 483, 514 and 515), and whose.
 */
public sealed interface AotCacheSetting {

	/**
	 * The key.
	 */
	String KEY = "concurrency.multi-jvm.aot-cache";

	/**
	 * The first Java version whose JVM records a cache as it exits and keeps method
	 * profiles in it (JEP 514, 515).
	 */
	int MIN_FEATURE = 25;

	/**
	 * What the key takes.
	 */
	String ALLOWED = "off, auto, or the path of a readable AOT cache file built beforehand with "
			+ "-XX:AOTCacheOutput (Java " + MIN_FEATURE + " or later)";

	/**
	 * Options with which the JVM either refuses to start beside {@code -XX:AOTCache} or
	 * the user already manages class data sharing: the master then adds nothing.
	 */
	List<String> MANAGED_ELSEWHERE = List.of("-Xshare:", "-XX:SharedArchiveFile", "-XX:ArchiveClassesAtExit",
			"-XX:SharedClassListFile", "-XX:DumpLoadedClassList", "-XX:AOTCache", "-XX:AOTCacheOutput", "-XX:AOTMode",
			"-XX:AOTConfiguration");

	/**
	 * Options under which the JVM ignores a cache, or exits as it records one (HotSpot's
	 * {@code check_unsupported_dumping_module_options}).
	 */
	List<String> IGNORE_A_CACHE = List.of("--patch-module", "--limit-modules", "--upgrade-module-path");

	/**
	 * Options that load a Java agent, or a native agent that may hook class loading (APM
	 * tools): JDK 25 does not open a cache of AOT-linked classes in a JVM with one
	 * (AotCacheJavaAgentIT), so {@code auto} would record, be refused and record again.
	 * {@code -agentlib:} too: JDWP in {@code JAVA_TOOL_OPTIONS}, which workers inherit as
	 * it is ({@code It cannot be used with JDWP agent}); the master's own debug agent is
	 * left out of their command line, and of the options checked here.
	 */
	List<String> LOAD_AN_AGENT = List.of("-javaagent:", "-agentpath:", "-agentlib:");

	/**
	 * No cache.
	 *
	 * @param reason why, for the master's start line
	 */
	record Off(String reason) implements AotCacheSetting {

	}

	/**
	 * A cache the master records and keeps ({@link AotCacheStore}).
	 *
	 * @param explicit whether the key says {@code auto}, rather than {@code auto} being
	 * the default: only a default is turned off where the cache would be memory (a
	 * {@code tmpfs} {@code java.io.tmpdir}), which the user did not choose
	 */
	record Auto(boolean explicit) implements AotCacheSetting {

	}

	/**
	 * A cache the user built.
	 *
	 * @param file the cache file
	 */
	record UserFile(Path file) implements AotCacheSetting {

	}

	/**
	 * Read the setting, reporting a value that cannot be used with the key, the value and
	 * what is allowed.
	 * @param value the value bound, the properties' default if the key is unset
	 * @param version the version of the JVM the workers run (the master's own)
	 * @param environment where the value came from
	 * @param checks where a violation goes
	 * @return the setting, {@link Off} if the value is invalid, {@link #unset()} if the
	 * key is not set
	 */
	static AotCacheSetting check(@Nullable String value, Runtime.Version version, Environment environment,
			SettingsChecks checks) {
		// The bound value of an unset key is the properties' default: only the key's
		// absence tells a default auto from one the user wrote.
		String written = (ConfiguredValue.find(environment, KEY) != null) ? value : null;
		try {
			return parse(written, version);
		}
		catch (IllegalArgumentException ex) {
			checks.add(Violation.notAllowed(ConfiguredValue.find(environment, KEY), KEY,
					(value != null) ? value.trim() : "", ALLOWED + "; " + ex.getMessage()));
			return new Off("invalid");
		}
	}

	/**
	 * Read the setting.
	 * @param value the value, or {@code null} if unset (then {@link #unset()})
	 * @param version the version of the JVM the workers run
	 * @return the setting
	 * @throws IllegalArgumentException saying what is wrong with a path, or with a path
	 * on a JVM without AOT caches
	 */
	static AotCacheSetting parse(@Nullable String value, Runtime.Version version) {
		String text = (value != null) ? value.trim() : "";
		switch (text.toLowerCase(Locale.ROOT)) {
			case "" -> {
				return unset();
			}
			case "auto" -> {
				return new Auto(true);
			}
			case "off", "false", "none" -> {
				// YAML reads an unquoted off as false.
				return new Off(KEY + "=" + text);
			}
			case "true", "on", "yes" -> {
				// Not a file named "true" in the working directory: YAML reads an
				// unquoted on or yes as true.
				throw new IllegalArgumentException(
						"'" + text + "' is none of them: write auto (YAML reads an " + "unquoted on or yes as true)");
			}
			default -> {
				return userFile(text, version);
			}
		}
	}

	/**
	 * Return the setting of an unset key: {@code auto}, but not an explicit one
	 * ({@link Auto#explicit()}), which a master keeps even where the cache would be
	 * memory.
	 * @return the default setting
	 */
	static AotCacheSetting unset() {
		return new Auto(false);
	}

	private static AotCacheSetting userFile(String text, Runtime.Version version) {
		if (version.feature() < MIN_FEATURE) {
			throw new IllegalArgumentException("this JVM is Java " + version.feature() + ", which has no AOT cache");
		}
		Path file;
		try {
			file = Path.of(text).toAbsolutePath();
		}
		catch (InvalidPathException ex) {
			throw new IllegalArgumentException("'" + text + "' is not a path");
		}
		if (!Files.exists(file)) {
			throw new IllegalArgumentException(file + " does not exist");
		}
		if (!Files.isRegularFile(file)) {
			throw new IllegalArgumentException(file + " is not a regular file");
		}
		if (!Files.isReadable(file)) {
			throw new IllegalArgumentException(file + " is not readable");
		}
		return new UserFile(file);
	}

	/**
	 * Return the setting in force for workers of this launch: {@code auto} is off on a
	 * JVM without AOT caches, for an application not started with {@code java -jar} (the
	 * cache is recorded for the extracted jar's class path), and, like a user's file,
	 * when the workers' JVM options manage class data sharing themselves.
	 * @param version the version of the JVM the workers run
	 * @param startedWithJar whether the master was started with {@code java -jar}
	 * @param jvmOptions every JVM option of the workers: the master's own,
	 * {@code jvm-args}, {@code JAVA_TOOL_OPTIONS} and {@code JDK_JAVA_OPTIONS}
	 * @return the setting, an {@link Off} saying why if it turned off
	 */
	default AotCacheSetting resolve(Runtime.Version version, boolean startedWithJar, List<String> jvmOptions) {
		if (this instanceof Off) {
			return this;
		}
		Optional<String> managed = jvmOptions.stream()
			.filter((option) -> MANAGED_ELSEWHERE.stream().anyMatch(option::startsWith))
			.findFirst();
		if (managed.isPresent()) {
			return new Off("the workers' JVM options manage class data sharing already (" + managed.get() + ")");
		}
		Optional<String> ignoring = jvmOptions.stream()
			.filter((option) -> IGNORE_A_CACHE.stream().anyMatch(option::startsWith))
			.findFirst();
		if (ignoring.isPresent()) {
			return new Off("the workers' JVM options make the JVM ignore an AOT cache (" + ignoring.get() + ")");
		}
		Optional<String> agent = jvmOptions.stream()
			.filter((option) -> LOAD_AN_AGENT.stream().anyMatch(option::startsWith))
			.findFirst();
		if (this instanceof Auto && agent.isPresent()) {
			// Its options are left out: an agent's may hold a key.
			String loaded = agent.get().contains("=") ? agent.get().substring(0, agent.get().indexOf('='))
					: agent.get();
			return new Off("a Java agent is loaded (" + loaded + "): the JVM does not open an AOT cache beside one");
		}
		if (this instanceof Auto && version.feature() < MIN_FEATURE) {
			return new Off("Java " + version.feature() + " has no AOT cache that records as the JVM exits (Java "
					+ MIN_FEATURE + " or later)");
		}
		if (this instanceof Auto && !startedWithJar) {
			return new Off(
					"the application was not started with java -jar: the cache is recorded for the " + "extracted jar");
		}
		return this;
	}

}
