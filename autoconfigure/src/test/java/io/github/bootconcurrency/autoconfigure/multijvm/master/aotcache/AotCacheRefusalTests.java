package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AotCacheRefusal}, on lines a real JVM printed.
 *
 * <p>
 * Every fixture came from Temurin 25.0.3+9 (25.0.3+9-LTS), Linux x64, running the sample
 * app extracted with {@code java -Djarmode=tools -jar sample-app.jar extract}: a cache
 * recorded with {@code -XX:AOTCacheOutput=app.aot -XX:+UseSerialGC -Xmx256m -jar
 * app/concurrency-sample-app-0.1.0-SNAPSHOT.jar} (one request, then {@code TERM}), then
 * given back, damaged, with
 * {@code java -XX:+UseSerialGC -Xmx256m -XX:AOTCache=<file> -jar
 * app/…jar}: truncated to its first 1,000,000 bytes ({@code head -c}); 4 bytes over the
 * magic number at offset 0, and at offset 64 ({@code dd conv=notrunc}); an empty file; a
 * file that does not exist; 8 bytes flipped at offset 30,000,000 with
 * {@code -XX:+VerifySharedSpaces} (without it the JVM printed nothing and used the
 * cache); the intact cache with the repackaged jar instead of the extracted one (another
 * class path). Each JVM then booted, without the cache, and exited 143 on {@code TERM},
 * as one with the cache does.
 */
class AotCacheRefusalTests {

	static final List<String> TRUNCATED = List.of("[0.004s][warning][aot] The AOT cache has been truncated.",
			"[0.004s][error  ][aot] An error has occurred while processing the AOT cache. Run with -Xlog:aot for details.",
			"[0.004s][error  ][aot] Loading static archive failed.",
			"[0.004s][error  ][aot] Unable to map shared spaces");

	static final List<String> BAD_MAGIC = List.of(
			"[0.003s][warning][aot] The AOT cache has a bad magic number: 0xefbeadde",
			"[0.003s][warning][aot] Unable to read the file header.",
			"[0.003s][error  ][aot] An error has occurred while processing the AOT cache. Run with -Xlog:aot for details.",
			"[0.003s][error  ][aot] Loading static archive failed.",
			"[0.003s][error  ][aot] Unable to map shared spaces");

	static final List<String> EMPTY = List.of(
			"[0.003s][warning][aot] Unable to read generic CDS file map header from AOT cache",
			"[0.003s][warning][aot] Unable to read the file header.",
			"[0.003s][error  ][aot] An error has occurred while processing the AOT cache. Run with -Xlog:aot for details.",
			"[0.003s][error  ][aot] Loading static archive failed.",
			"[0.003s][error  ][aot] Unable to map shared spaces");

	static final List<String> MISSING = List.of(
			"[0.004s][error][aot] An error has occurred while processing the AOT cache. Run with -Xlog:aot for details.",
			"[0.004s][error][aot] Loading static archive failed.", "[0.004s][error][aot] Unable to map shared spaces");

	static final List<String> CHECKSUM = List.of("[0.097s][warning][aot] Checksum verification failed.",
			"[0.097s][error  ][aot] An error has occurred while processing the AOT cache. Run with -Xlog:aot for details.",
			"[0.097s][error  ][aot] Unable to map shared spaces");

	static final List<String> OTHER_CLASS_PATH = List.of(
			"[0.044s][warning][aot] This file is not the one used while building the shared archive file: "
					+ "'/work/sample-app/target/concurrency-sample-app-0.1.0-SNAPSHOT.jar', size has changed",
			"[0.044s][error  ][aot] An error has occurred while processing the AOT cache. Run with -Xlog:aot for details.",
			"[0.044s][error  ][aot] shared class paths mismatch (hint: enable -Xlog:class+path=info to diagnose the failure)",
			"[0.048s][error  ][aot] Unable to map shared spaces");

	/** A worker that maps the cache: with {@code -Xlog:aot}, then its first own line. */
	static final List<String> USED = List.of("[0.004s][info][aot] trying to map /tmp/aotx/app.aot",
			"[0.004s][info][aot] Opened AOT cache /tmp/aotx/app.aot.",
			"[0.004s][info][aot] The AOT cache was created with UseCompressedOops = 1, UseCompressedClassPointers = 1, UseCompactObjectHeaders = 0",
			"[0.044s][info][aot] initial full module graph: enabled", "", "  .   ____          _            __ _ _");

	/** The recording worker's warnings, as it records: no refusal. */
	static final List<String> RECORDING = List.of(
			"[9.600s][warning][aot] Skipping jdk/proxy2/$Proxy35: Unsupported location",
			"[11.053s][warning][aot] Preload Warning: Verification failed for org.springframework.boot.logging.log4j2.Log4J2LoggingSystem",
			" AOTConfiguration recorded: /tmp/aotx/t2.aotconf");

	@Test
	void aTruncatedCacheIsRefusedWithTheJvmsReason() {
		assertThat(feed(TRUNCATED)).contains("The AOT cache has been truncated.");
	}

	@Test
	void aCacheWithAnotherMagicNumberIsRefusedWithBothWarnings() {
		assertThat(feed(BAD_MAGIC))
			.contains("The AOT cache has a bad magic number: 0xefbeadde; Unable to read the file header.");
	}

	@Test
	void anEmptyCacheIsRefused() {
		assertThat(feed(EMPTY)).hasValueSatisfying(
				(reason) -> assertThat(reason).startsWith("Unable to read generic CDS file map header"));
	}

	@Test
	void aMissingCacheIsRefusedWithoutAReasonOfItsOwn() {
		assertThat(feed(MISSING)).contains("the JVM could not map it");
	}

	@Test
	void aCacheWhoseChecksumFailsIsRefused() {
		assertThat(feed(CHECKSUM)).contains("Checksum verification failed.");
	}

	@Test
	void aCacheRecordedForAnotherClassPathIsRefusedWithTheFileAndTheMismatch() {
		assertThat(feed(OTHER_CLASS_PATH)).hasValueSatisfying((reason) -> assertThat(reason).contains(
				"This file is not the one used while building the shared archive file", "size has changed",
				"shared class paths mismatch"));
	}

	@Test
	void aLineAsTheMasterForwardsItWithTheWorkersPrefixIsRead() {
		List<String> prefixed = TRUNCATED.stream().map((line) -> "[worker 3 pid 4242] " + line).toList();
		assertThat(feed(prefixed)).contains("The AOT cache has been truncated.");
	}

	@Test
	void aCacheInUseAndARecordingAreNoRefusal() {
		assertThat(feed(USED)).isEmpty();
		assertThat(feed(RECORDING)).isEmpty();
	}

	@Test
	void theRefusalIsReportedOnceAndLinesPastTheFirstOnesAreNotRead() {
		AotCacheRefusal refusal = new AotCacheRefusal();
		List<String> reasons = new ArrayList<>();
		for (String line : TRUNCATED) {
			refusal.accept(line).ifPresent(reasons::add);
		}
		for (String line : TRUNCATED) {
			refusal.accept(line).ifPresent(reasons::add);
		}
		assertThat(reasons).hasSize(1);
		AotCacheRefusal late = new AotCacheRefusal();
		for (int i = 0; i < AotCacheRefusal.MAX_LINES; i++) {
			assertThat(late.accept("application line " + i)).isEmpty();
		}
		assertThat(TRUNCATED.stream().map(late::accept).flatMap(Optional::stream)).isEmpty();
	}

	private static Optional<String> feed(List<String> lines) {
		AotCacheRefusal refusal = new AotCacheRefusal();
		Optional<String> reason = Optional.empty();
		for (String line : lines) {
			Optional<String> found = refusal.accept(line);
			if (found.isPresent()) {
				reason = found;
			}
		}
		return reason;
	}

}
