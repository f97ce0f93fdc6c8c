package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files.AotCacheCreateCommand;

/**
 * What an AOT cache was recorded for, as a name for its directory: the jar's content, the
 * JVM and the workers' JVM options that shape a cache. The JVM refuses a cache recorded
 * by another JVM build or for another class path (JEP 483), and some options change what
 * it can map: the collector, compressed oops, the heap's size (those the creation runs
 * with, {@link AotCacheCreateCommand}), and the module graph. Only those count: a system
 * property or a log file named per start ({@code -Dinstance=$(date)}) would otherwise
 * make a new directory, an extraction and a cache at every restart.
 *
 * @param value the key, 32 hexadecimal digits
 */
public record AotCacheKey(String value) {

	private static final int BUFFER = 64 * 1024;

	/** The options that change the module graph a cache is recorded for. */
	private static final List<String> MODULE_OPTIONS = List.of("--add-modules", "--add-opens", "--add-exports",
			"--add-reads", "--module-path", "-p", "--enable-native-access", "--patch-module", "--limit-modules",
			"--upgrade-module-path");

	/**
	 * Return the key of a jar run by this JVM, the master's, whose binary the workers
	 * run.
	 * @param jar the application's jar
	 * @param jvmOptions the workers' JVM options, without those of one worker alone (its
	 * id, token, argument file)
	 * @return the key
	 * @throws IOException if the jar cannot be read
	 */
	public static AotCacheKey forThisJvm(Path jar, List<String> jvmOptions) throws IOException {
		// The installation too: two of the same version may differ in their modules.
		return of(jar,
				Runtime.version() + " " + System.getProperty("java.vm.name") + " " + System.getProperty("java.home"),
				jvmOptions);
	}

	/**
	 * Return the key of a jar.
	 * @param jar the application's jar
	 * @param jvm the JVM's version and build, as the JVM names it
	 * @param jvmOptions the workers' JVM options
	 * @return the key
	 * @throws IOException if the jar cannot be read
	 */
	public static AotCacheKey of(Path jar, String jvm, List<String> jvmOptions) throws IOException {
		MessageDigest key = sha256();
		key.update(contentDigest(jar));
		update(key, jvm);
		List<String> shaping = shapingOptions(jvmOptions);
		key.update(intBytes(shaping.size()));
		shaping.forEach((option) -> update(key, option));
		return new AotCacheKey(HexFormat.of().formatHex(key.digest(), 0, 16));
	}

	/**
	 * The options that shape a cache, in their order: a module option with its value,
	 * whether joined ({@code --add-opens=a=b}) or the next argument.
	 */
	static List<String> shapingOptions(List<String> jvmOptions) {
		List<String> shaping = new ArrayList<>();
		for (int i = 0; i < jvmOptions.size(); i++) {
			String option = jvmOptions.get(i);
			if (MODULE_OPTIONS.contains(option) && i + 1 < jvmOptions.size()) {
				shaping.add(option);
				shaping.add(jvmOptions.get(++i));
			}
			else if (AotCacheCreateCommand.shapesTheCache(option)
					|| MODULE_OPTIONS.stream().anyMatch((name) -> option.startsWith(name + "="))) {
				shaping.add(option);
			}
		}
		return shaping;
	}

	/**
	 * Read a file's SHA-256 a buffer at a time: a fat jar is tens of megabytes.
	 */
	static byte[] contentDigest(Path file) throws IOException {
		MessageDigest digest = sha256();
		byte[] buffer = new byte[BUFFER];
		try (InputStream in = Files.newInputStream(file)) {
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				digest.update(buffer, 0, read);
			}
		}
		return digest.digest();
	}

	/**
	 * Each string with its length first, so that no two lists of options give the same
	 * bytes ("a b" and "a", "b").
	 */
	private static void update(MessageDigest digest, String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		digest.update(intBytes(bytes.length));
		digest.update(bytes);
	}

	private static byte[] intBytes(int value) {
		return new byte[] { (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value };
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every JVM has SHA-256", ex);
		}
	}

	@Override
	public String toString() {
		return this.value;
	}

}
