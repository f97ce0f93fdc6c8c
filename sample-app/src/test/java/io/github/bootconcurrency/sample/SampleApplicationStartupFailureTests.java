package io.github.bootconcurrency.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.RedisServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad settings stop the sample app as they stop a user's: a real JVM exits with a
 * non-zero status and prints a failure analysis that names the key, the value, where it
 * was set and what is allowed.
 */
class SampleApplicationStartupFailureTests {

	@Test
	void nonPositiveMaxThreadsStopsTheAppNamingKeyValueAndWhatIsAllowed() throws Exception {
		Result result = run("--concurrency.platform.max-threads=0");
		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("APPLICATION FAILED TO START")
			.contains("concurrency.platform.max-threads = 0")
			.contains("allowed: a whole number from 1 to 10000")
			.contains("Change concurrency.platform.max-threads to a value that is allowed");
	}

	@Test
	void unknownModelStopsTheAppListingTheModels() throws Exception {
		Result result = run("--concurrency.model=gevent");
		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("APPLICATION FAILED TO START")
			.contains("concurrency.model")
			.contains("'gevent' is not a concurrency model; allowed: platform, virtual, multi-jvm");
	}

	@Test
	void invalidMultiJvmSettingsStopTheMasterBeforeItStartsAnyWorker() throws Exception {
		Result result = run("--spring.profiles.active=dev", "--concurrency.model=multi-jvm",
				"--concurrency.multi-jvm.workers=0", "--concurrency.multi-jvm.max-requests-jitter=50");
		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("(active profiles: dev)")
			.contains("concurrency.multi-jvm.workers = 0")
			.contains("allowed: 'auto' or a whole number from 1 to 256")
			.contains("concurrency.multi-jvm.max-requests-jitter = 50")
			.contains("0 while concurrency.multi-jvm.max-requests is 0")
			.doesNotContain("Started worker");
	}

	@Test
	void profilesModelContradictingBootsVirtualThreadsStopsTheAppNamingBothKeysAndTheFile() throws Exception {
		Result result = run("--spring.profiles.active=dev", "--spring.threads.virtual.enabled=true");
		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("concurrency.model = platform (from class path resource [application-dev.yml]")
			.contains("contradicts spring.threads.virtual.enabled=true")
			.contains("Remove spring.threads.virtual.enabled");
	}

	@Test
	void devProfileAgainstAStoppedRedisExitsNonZeroWithinItsAttemptsNamingProfileHostPortAndProperty()
			throws Exception {
		RedisServer redis = RedisServer.start();
		redis.kill();
		long start = System.nanoTime();
		Result result = run("--spring.profiles.active=dev", "--spring.data.redis.port=" + redis.port(),
				"--fail-fast.redis.timeout=1s", "--fail-fast.redis.backoff=500ms",
				"--spring.data.redis.password=" + SampleApplicationProfilesTests.REDIS_PASSWORD);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("Redis could not be reached at startup")
			.containsPattern("Active profiles: +dev")
			.containsPattern("Connection: +127\\.0\\.0\\.1:" + redis.port() + "/0 \\(standalone\\)")
			.contains("spring.data.redis.host=127.0.0.1 (from class path resource [application-dev.yml]")
			.contains("connection refused")
			.containsPattern("Attempts: +3 of 3")
			.contains("Change spring.data.redis.host or spring.data.redis.port")
			.doesNotContain(SampleApplicationProfilesTests.REDIS_PASSWORD);
		// 3 attempts x (1 s timeout + up to 1 s backoff), plus the JVM's own start and stop.
		assertThat(took).isLessThan(Duration.ofSeconds(3 * 2 + 20));
	}

	private Result run(String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(SampleApplication.class.getName());
		command.add("--server.port=0");
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		// Read while it runs so a full pipe cannot block the child.
		byte[] output = process.getInputStream().readAllBytes();
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("The app did not stop within 60 s:\n" + new String(output, StandardCharsets.UTF_8));
		}
		return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
	}

	record Result(int exitCode, String output) {
	}

}
