package io.github.bootconcurrency.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.ChildTempDir;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.ProcessOutput;
import io.github.bootconcurrency.autoconfigure.testsupport.Reaper;
import io.github.bootconcurrency.autoconfigure.testsupport.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad settings stop the sample app as they stop a user's: a real JVM exits with a
 * non-zero status and prints a failure analysis that names the key, the value, where it
 * was set and what is allowed.
 *
 * <p>
 * Each app is a child JVM, watched by the {@link Reaper}; its output is read as it comes,
 * and every wait on it (its exit, or the line that says it started) is bounded by
 * {@link #RUN_TIMEOUT}, after which it is killed and the test fails with its output. The
 * class's timeout is a backstop above that bound.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SampleApplicationStartupFailureIT {

	/**
	 * How long an app may take to start or to stop on a busy 2-core machine.
	 */
	private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

	private final List<Process> started = new ArrayList<>();

	private final ChildTempDir temp = ChildTempDir.create();

	@AfterEach
	void stopApps() throws InterruptedException {
		for (Process process : this.started) {
			stop(process);
		}
		if (this.started.stream().noneMatch(Process::isAlive)) {
			this.temp.remove();
		}
	}

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
		// Its port stays free once it is stopped: it is below the ephemeral range.
		redis.close();
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
		// stop on a loaded machine: bounded, where a check that retried for ever would
		// not
		// be.
		assertThat(took).isLessThan(Duration.ofSeconds(3 * 2 + 40));
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

	/**
	 * Run the app to its exit, which a bad setting makes it take at startup.
	 */
	private Result run(List<String> unsetVariables, String... arguments) throws IOException, InterruptedException {
		Process process = start(unsetVariables, arguments);
		ProcessOutput output = ProcessOutput.of("the sample app (pid " + process.pid() + ")", process);
		if (!process.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			stop(process);
			throw new AssertionError(
					"The app did not exit within " + RUN_TIMEOUT + ", killed; its last lines:\n" + output.tail(80));
		}
		Reaper.forget(process.toHandle());
		// The last lines may still be in the pipe when the process has exited.
		output.awaitEnd(Duration.ofSeconds(10));
		return new Result(process.exitValue(), output.text());
	}

	/**
	 * Run the app until it has started, then stop it: for settings that let it start.
	 */
	private Result runUntilStarted(String... arguments) throws IOException, InterruptedException {
		Process process = start(List.of(), arguments);
		ProcessOutput output = ProcessOutput.of("the sample app (pid " + process.pid() + ")", process);
		try {
			// Fails with the app's last lines if they do not come in time, or the app
			// exits.
			output.await("Started SampleApplication", RUN_TIMEOUT);
		}
		finally {
			stop(process);
		}
		return new Result(-1, output.text());
	}

	private Process start(List<String> unsetVariables, String... arguments) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(MasterProcess.java());
		command.addAll(MasterProcess.TEST_JVM_OPTIONS);
		// What a killed app leaves there (its server's work directory) goes with it.
		command.add(this.temp.jvmOption());
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(SampleApplication.class.getName());
		command.add("--server.port=0");
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		unsetVariables.forEach(builder.environment()::remove);
		Process process = builder.start();
		Reaper.watch(process.toHandle());
		this.started.add(process);
		return process;
	}

	private static void stop(Process process) throws InterruptedException {
		if (process.isAlive()) {
			process.destroyForcibly();
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				// Still watched: the reaper kills it when the test JVM ends.
				return;
			}
		}
		Reaper.forget(process.toHandle());
	}

	record Result(int exitCode, String output) {
	}

}
