package io.github.bootconcurrency.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
	void multiJvmModelStopsTheAppAsNotAvailableYet() throws Exception {
		Result result = run("--spring.profiles.active=prod", "--concurrency.model=multi-jvm");
		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("(active profiles: prod)")
			.contains("concurrency.model = multi-jvm")
			.contains("not available yet in this release; allowed now: platform, virtual");
	}

	@Test
	void profilesModelContradictingBootsVirtualThreadsStopsTheAppNamingBothKeysAndTheFile() throws Exception {
		Result result = run("--spring.profiles.active=dev", "--spring.threads.virtual.enabled=true");
		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("concurrency.model = platform (from class path resource [application-dev.yml]")
			.contains("contradicts spring.threads.virtual.enabled=true")
			.contains("Remove spring.threads.virtual.enabled");
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
