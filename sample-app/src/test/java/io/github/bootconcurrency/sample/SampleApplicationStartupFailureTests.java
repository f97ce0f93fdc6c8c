package io.github.bootconcurrency.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
				"--concurrency.multi-jvm.workers=0", "--concurrency.multi-jvm.max-requests-jitter=50",
				"--concurrency.keep-alive-timeout=0s");
		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("(active profiles: dev)")
			.contains("concurrency.keep-alive-timeout = 0s (from")
			.doesNotContain("PT0S")
			.contains("concurrency.multi-jvm.workers = 0")
			.contains("allowed: 'auto' or a whole number from 1 to 256")
			.contains("concurrency.multi-jvm.max-requests-jitter = 50")
			.contains("0 while concurrency.multi-jvm.max-requests is 0")
			.doesNotContain("Started worker");
	}

	@Test
	void aMisspeltKeyStopsTheMasterNamingTheKeyTheFileAndLineAndTheClosestKey(@TempDir Path config) throws Exception {
		Path file = config.resolve("extra.yml");
		Files.writeString(file, "concurrency:\n  virtual:\n    max-concurent-requests: 50\n");
		Result result = run("--concurrency.model=multi-jvm", "--spring.config.additional-location=file:" + file,
				"--fail-fast.redis.atempts=2");
		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("APPLICATION FAILED TO START")
			.contains("are not settings of the starter, so they would be ignored and the defaults used")
			.contains("concurrency.virtual.max-concurent-requests (from URL [file:" + file + "] - 3:29): closest known"
					+ " key: concurrency.virtual.max-concurrent-requests")
			.contains("fail-fast.redis.atempts (from \"fail-fast.redis.atempts\" from property source"
					+ " \"commandLineArgs\"): closest known key: fail-fast.redis.attempts")
			.doesNotContain("Started worker");
	}

	@Test
	void profilesModelContradictingBootsVirtualThreadsStopsTheAppNamingBothKeysAndTheFile() throws Exception {
		Result result = run("--spring.profiles.active=dev", "--spring.threads.virtual.enabled=true");
		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output())
			.contains("concurrency.model = platform (from class path resource [application-dev.yml]")
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
		// 3 attempts x (1 s timeout + up to 1 s backoff), plus the JVM's own start and
		// stop.
		assertThat(took).isLessThan(Duration.ofSeconds(3 * 2 + 20));
	}

	@Test
	void prodWithoutItsPasswordVariableExitsNonZeroNamingTheVariableThePropertyAndTheFile() throws Exception {
		Result result = run(List.of("REDIS_PASSWORD"), "--spring.profiles.active=prod");
		assertThat(result.exitCode()).isNotZero();
		String output = result.output();
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("A setting refers to ${REDIS_PASSWORD}, and nothing sets REDIS_PASSWORD")
			.containsPattern("Used by: +spring\\.data\\.redis\\.password \\(from class path resource "
					+ "\\[application-prod\\.yml] - \\d+:\\d+\\)")
			.containsPattern("Active profiles: +prod")
			.contains("Set the environment variable REDIS_PASSWORD, or set spring.data.redis.password directly");
		// The analysis is what the user reads: no stack trace above it.
		assertThat(output.substring(0, output.indexOf("APPLICATION FAILED TO START"))).doesNotContain("\tat ");
	}

	@Test
	void aMisspeltProfileStartsWithTheDefaultsAndAWarningListingTheProfilesThatHaveConfiguration() throws Exception {
		Result result = runUntilStarted("--spring.profiles.active=prdo");
		assertThat(result.output()).contains("Started SampleApplication")
			.contains("WARN")
			.contains("The active profile 'prdo' (spring.profiles.active=prdo in ")
			.contains("has no configuration")
			.contains("Profiles with configuration: dev, multi, prod.");
	}

	@Test
	void aMisspeltProfileStopsTheAppWhenUnknownProfilesAreToFail() throws Exception {
		Result result = run("--spring.profiles.active=prdo", "--fail-fast.profiles.unknown=fail");
		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("APPLICATION FAILED TO START")
			.contains("The active profile 'prdo'")
			.contains("Profiles with configuration: dev, multi, prod.")
			.contains("add it to fail-fast.profiles.known")
			.doesNotContain("Started SampleApplication");
	}

	@Test
	void aProfileOnlyProfileBeansUseStartsOnceDeclaredKnownEvenWhenUnknownProfilesAreToFail() throws Exception {
		Result result = runUntilStarted("--spring.profiles.active=demo-data", "--fail-fast.profiles.unknown=fail",
				"--fail-fast.profiles.known=demo-data");
		assertThat(result.output()).contains("Started SampleApplication").doesNotContain("has no configuration");
	}

	private Result run(String... arguments) throws IOException, InterruptedException {
		return run(List.of(), arguments);
	}

	private static List<String> command(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(SampleApplication.class.getName());
		command.add("--server.port=0");
		command.addAll(List.of(arguments));
		return command;
	}

	/**
	 * Run the app until it has started, then stop it: for settings that let it start.
	 */
	private Result runUntilStarted(String... arguments) throws Exception {
		Process process = new ProcessBuilder(command(arguments)).redirectErrorStream(true).start();
		StringBuilder output = new StringBuilder();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			CompletableFuture<Void> started = CompletableFuture.runAsync(() -> {
				try {
					for (String line = reader.readLine(); line != null; line = reader.readLine()) {
						output.append(line).append('\n');
						if (line.contains("Started SampleApplication")) {
							return;
						}
					}
				}
				catch (IOException ex) {
					// The app is gone: its output says why.
				}
			});
			started.get(60, TimeUnit.SECONDS);
		}
		finally {
			process.destroyForcibly();
		}
		return new Result(-1, output.toString());
	}

	private Result run(List<String> unsetVariables, String... arguments) throws IOException, InterruptedException {
		// The output goes to a file, so a full pipe cannot block the child and a child
		// that never stops cannot block the test: the wait below is the only bound.
		Path log = Files.createTempFile("startup-failure", ".log");
		try {
			ProcessBuilder builder = new ProcessBuilder(command(arguments)).redirectErrorStream(true)
				.redirectOutput(log.toFile());
			unsetVariables.forEach(builder.environment()::remove);
			Process process = builder.start();
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				throw new AssertionError("The app did not stop within 60 s:\n" + Files.readString(log));
			}
			return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
		}
		finally {
			Files.deleteIfExists(log);
		}
	}

	record Result(int exitCode, String output) {
	}

}
