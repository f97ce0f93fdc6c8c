package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AotCacheKey}, on real files.
 */
class AotCacheKeyTests {

	private static final String JVM = "25.0.3+9-LTS OpenJDK 64-Bit Server VM /usr/lib/jvm/temurin-25-jdk-amd64";

	private static final List<String> OPTIONS = List.of("-XX:+UseSerialGC", "-Xmx256m");

	@TempDir
	Path directory;

	@Test
	void theSameJarJvmAndOptionsGiveTheSameKey() throws IOException {
		Path jar = jar("app.jar", "content");
		Path copy = jar("copy.jar", "content");
		AotCacheKey key = AotCacheKey.of(jar, JVM, OPTIONS);
		assertThat(AotCacheKey.of(jar, JVM, OPTIONS)).isEqualTo(key);
		assertThat(AotCacheKey.of(copy, JVM, List.of("-XX:+UseSerialGC", "-Xmx256m"))).isEqualTo(key);
		assertThat(key.value()).matches("[0-9a-f]{32}");
	}

	@Test
	void anotherJarContentGivesAnotherKeyAtTheSamePath() throws IOException {
		Path jar = jar("app.jar", "content");
		AotCacheKey before = AotCacheKey.of(jar, JVM, OPTIONS);
		// A new jar renamed over the old one, as a deployment does.
		jar("app.jar", "contend");
		assertThat(AotCacheKey.of(jar, JVM, OPTIONS)).isNotEqualTo(before);
	}

	@Test
	void anotherJvmVersionGivesAnotherKey() throws IOException {
		Path jar = jar("app.jar", "content");
		assertThat(AotCacheKey.of(jar, JVM, OPTIONS))
			.isNotEqualTo(AotCacheKey.of(jar, JVM.replace("25.0.3+9", "25.0.4+7"), OPTIONS));
	}

	@Test
	void otherOptionsGiveAnotherKeyEvenWhenTheirTextJoinsTheSame() throws IOException {
		Path jar = jar("app.jar", "content");
		AotCacheKey key = AotCacheKey.of(jar, JVM, OPTIONS);
		assertThat(AotCacheKey.of(jar, JVM, List.of("-XX:+UseG1GC", "-Xmx256m"))).isNotEqualTo(key);
		assertThat(AotCacheKey.of(jar, JVM, List.of("-XX:+UseSerialGC"))).isNotEqualTo(key);
		assertThat(AotCacheKey.of(jar, JVM, List.of("-XX:+UseSerialGC -Xmx256m"))).isNotEqualTo(key);
		assertThat(AotCacheKey.of(jar, JVM, List.of("-Xmx256m", "-XX:+UseSerialGC"))).isNotEqualTo(key);
	}

	@Test
	void optionsThatDoNotShapeTheCacheGiveTheSameKeySoAPerStartValueKeepsTheDirectory() throws IOException {
		Path jar = jar("app.jar", "content");
		AotCacheKey key = AotCacheKey.of(jar, JVM, OPTIONS);
		List<String> perStart = List.of("-Dinstance=host-1733400000", "-XX:+UseSerialGC",
				"-Xlog:gc:file=/var/log/gc-4242.log", "-Xmx256m", "-Djava.io.tmpdir=/tmp/run-4242");
		assertThat(AotCacheKey.of(jar, JVM, perStart)).isEqualTo(key);
	}

	@Test
	void moduleOptionsGiveAnotherKeyWithTheirValue() throws IOException {
		Path jar = jar("app.jar", "content");
		AotCacheKey key = AotCacheKey.of(jar, JVM, OPTIONS);
		List<String> opens = new java.util.ArrayList<>(OPTIONS);
		opens.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
		assertThat(AotCacheKey.of(jar, JVM, opens)).isNotEqualTo(key);
		List<String> modules = new java.util.ArrayList<>(OPTIONS);
		modules.addAll(List.of("--add-modules", "jdk.incubator.vector"));
		List<String> otherModules = new java.util.ArrayList<>(OPTIONS);
		otherModules.addAll(List.of("--add-modules", "java.sql"));
		assertThat(AotCacheKey.of(jar, JVM, modules)).isNotEqualTo(key)
			.isNotEqualTo(AotCacheKey.of(jar, JVM, otherModules));
	}

	@Test
	void theJarIsDigestedWholePastTheFirstBuffers() throws IOException {
		byte[] large = new byte[3 * 64 * 1024 + 17];
		Path jar = Files.write(this.directory.resolve("large.jar"), large);
		// Known SHA-256 of that many zero bytes, computed independently by sha256sum.
		assertThat(HexFormat.of().formatHex(AotCacheKey.contentDigest(jar))).isEqualTo(sha256sum(jar));
		large[large.length - 1] = 1;
		Path changedAtTheEnd = Files.write(this.directory.resolve("changed.jar"), large);
		assertThat(AotCacheKey.of(changedAtTheEnd, JVM, OPTIONS)).isNotEqualTo(AotCacheKey.of(jar, JVM, OPTIONS));
	}

	@Test
	void thisJvmsKeyNamesItsVersion() throws IOException {
		Path jar = jar("app.jar", "content");
		assertThat(AotCacheKey.forThisJvm(jar, OPTIONS)).isEqualTo(AotCacheKey.of(jar,
				Runtime.version() + " " + System.getProperty("java.vm.name") + " " + System.getProperty("java.home"),
				OPTIONS));
	}

	private Path jar(String name, String content) throws IOException {
		return Files.writeString(this.directory.resolve(name), content);
	}

	private static String sha256sum(Path file) throws IOException {
		try {
			java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
			return HexFormat.of().formatHex(digest.digest(Files.readAllBytes(file)));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
