package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AotCacheDirectory}'s helper JVMs' commands, without running one
 * ({@code AotCacheStoreTests} runs the directory through its store).
 */
class AotCacheDirectoryTests {

	private static final String KEY = "0123456789abcdef0123456789abcdef";

	@TempDir
	Path base;

	@Test
	void theCacheIsCreatedWithOnlyTheOptionsThatShapeItAndOneCollector() throws IOException {
		AotCacheDirectory directory = AotCacheDirectory.open(this.base, KEY, Path.of("/apps/app.jar"),
				JarIdentity.of(Path.of("/apps/app.jar")), "/jdk/bin/java",
				List.of("-XX:+UseG1GC", "-Xmx256m", "-Dspring.data.redis.password=secret", "-Xss512k",
						"-XX:OnOutOfMemoryError=curl https://hooks.example/token", "-Xlog:gc:file=/var/log/gc.log",
						"-XX:StartFlightRecording=filename=/var/log/app.jfr", "-XX:+UnlockExperimentalVMOptions",
						"-XX:-UseCompressedOops", "-XX:+UseCompressedClassPointers", "-XX:ObjectAlignmentInBytes=16",
						"-XX:+UseCompactObjectHeaders", "-Xms128m", "-XX:+UseSerialGC"),
				Duration.ofSeconds(60), AotCacheDirectoryTests::notRun);
		assertThat(directory.createCommand(Path.of("/r.aotconf"), Path.of("/c.aot"))).containsExactly("/jdk/bin/java",
				"-XX:ActiveProcessorCount=1", "-XX:TieredStopAtLevel=1", "-Xmx256m", "-XX:+UnlockExperimentalVMOptions",
				"-XX:-UseCompressedOops", "-XX:+UseCompressedClassPointers", "-XX:ObjectAlignmentInBytes=16",
				"-XX:+UseCompactObjectHeaders", "-Xms128m", "-XX:+UseSerialGC", "-XX:AOTMode=create",
				"-XX:AOTConfiguration=/r.aotconf", "-XX:AOTCache=/c.aot", "-cp",
				this.base.resolve(KEY).resolve("app/app.jar").toString());
	}

	@Test
	void withoutACollectorInTheWorkersOptionsTheCreationNamesTheOneTheirJvmPicks() throws IOException {
		AotCacheDirectory directory = AotCacheDirectory.open(this.base, KEY, Path.of("/apps/app.jar"),
				JarIdentity.of(Path.of("/apps/app.jar")), "java", List.of("-Xmx256m"), Duration.ofSeconds(60),
				AotCacheDirectoryTests::notRun);
		// One processor would make the creation's JVM pick Serial where workers pick G1.
		assertThat(directory.createCommand(Path.of("/r.aotconf"), Path.of("/c.aot")))
			.contains("-XX:ActiveProcessorCount=1")
			.filteredOn((option) -> option.matches("-XX:\\+Use\\w+GC"))
			.singleElement()
			.isIn("-XX:+UseG1GC", "-XX:+UseSerialGC");
		assertThat(AotCacheCreateCommand.ergonomicCollector(2, 2048L * 1024 * 1024)).isEqualTo("-XX:+UseG1GC");
		assertThat(AotCacheCreateCommand.ergonomicCollector(1, 8192L * 1024 * 1024)).isEqualTo("-XX:+UseSerialGC");
		assertThat(AotCacheCreateCommand.ergonomicCollector(4, 1024L * 1024 * 1024)).isEqualTo("-XX:+UseSerialGC");
	}

	private static BoundedCommand.Result notRun(List<String> command, Duration timeout) {
		throw new AssertionError("no helper JVM runs here: " + command);
	}

}
