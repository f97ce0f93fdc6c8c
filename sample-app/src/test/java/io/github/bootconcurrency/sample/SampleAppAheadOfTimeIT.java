package io.github.bootconcurrency.sample;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import io.github.bootconcurrency.autoconfigure.testsupport.ChildTempDir;
import io.github.bootconcurrency.autoconfigure.testsupport.Commands;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.ProcessOutput;
import io.github.bootconcurrency.autoconfigure.testsupport.Reaper;
import io.github.bootconcurrency.autoconfigure.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplicationAotProcessor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app processed ahead of time by Spring's own AOT processor (what
 * {@code spring-boot:process-aot} and a native image build run) for the {@code prod}
 * profile, its generated code compiled, then started with
 * {@code -Dspring.aot.enabled=true}: with {@code prod} it serves under the virtual model
 * with its cap in force; with {@code dev}, which chooses {@code platform}, it stops
 * before any bean, naming both models and where each was set.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SampleAppAheadOfTimeIT {

	private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);

	private static final Pattern TOMCAT_STARTED = Pattern.compile("Tomcat started on port (\\d+)");

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	static Path aot;

	private static RedisServer redis;

	private final List<Process> started = new ArrayList<>();

	private final ChildTempDir temp = ChildTempDir.create();

	@BeforeAll
	static void processTheSampleAppAheadOfTimeForProd() throws IOException {
		List<String> command = new ArrayList<>(List.of(MasterProcess.java(), "-Xmx256m"));
		command.addAll(MasterProcess.TEST_JVM_OPTIONS);
		command
			.addAll(List.of("-cp", System.getProperty("java.class.path"), SpringApplicationAotProcessor.class.getName(),
					SampleApplication.class.getName(), aot.resolve("sources").toString(),
					aot.resolve("resources").toString(), aot.resolve("classes").toString(), "io.github.bootconcurrency",
					"concurrency-sample-app", "--spring.profiles.active=prod"));
		Commands.Result processed = Commands.run(command, RUN_TIMEOUT);
		assertThat(processed.exitValue()).as(processed.output()).isZero();
		compileGeneratedSources();
		redis = RedisServer.start(SampleApplicationProfilesTests.REDIS_PASSWORD);
	}

	@AfterAll
	static void stopRedis() {
		if (redis != null) {
			redis.close();
		}
	}

	@AfterEach
	void stopApps() throws InterruptedException {
		for (Process process : this.started) {
			if (process.isAlive()) {
				process.destroyForcibly();
				if (!process.waitFor(10, TimeUnit.SECONDS)) {
					// Still watched: the reaper kills it when the test JVM ends.
					continue;
				}
			}
			Reaper.forget(process.toHandle());
		}
		if (this.started.stream().noneMatch(Process::isAlive)) {
			this.temp.remove();
		}
	}

	@Test
	void builtForProdItServesUnderTheVirtualModelWithItsCapInForce() throws Exception {
		// The cap and the wait are read at startup, as on the JVM: only the model is
		// fixed
		// by the build.
		Process app = start("--spring.profiles.active=prod", "--spring.data.redis.host=127.0.0.1",
				"--spring.data.redis.port=" + redis.port(), "--concurrency.virtual.max-concurrent-requests=1",
				"--concurrency.virtual.queue-timeout=500ms");
		ProcessOutput output = ProcessOutput.of("the sample app built ahead of time (prod)", app);
		Matcher started = TOMCAT_STARTED.matcher(output.await(TOMCAT_STARTED, 1, RUN_TIMEOUT).text());
		assertThat(started.find()).isTrue();
		int port = Integer.parseInt(started.group(1));
		assertThat(output.text()).contains("Starting AOT-processed SampleApplication");
		JsonNode concurrency = json.readTree(Http.get(port, "/actuator/concurrency").body());
		assertThat(concurrency.get("model").asString()).isEqualTo("virtual");
		JsonNode served = json.readTree(Http.get(port, "/io-bound?s=0").body());
		assertThat(served.get("virtualThread").asBoolean()).isTrue();

		// One request holds the only slot; the next ones wait half a second for it, then
		// get 503. Each is sent once the one before has ended, so a request that got
		// there before the long one (and was served) only means one more try.
		CompletableFuture<HttpResponse<String>> holding = Http.getAsync(port, "/io-bound?s=30", Duration.ofSeconds(60));
		HttpResponse<String> over = null;
		for (int attempt = 0; attempt < 40 && (over == null || over.statusCode() != 503); attempt++) {
			over = Http.get(port, "/io-bound?s=0");
		}
		assertThat(over.statusCode()).as(output.tail(40)).isEqualTo(503);
		assertThat(over.headers().firstValue("Retry-After")).isPresent();
		assertThat(holding).isNotDone();
	}

	@Test
	void builtForProdAndStartedWithDevItStopsNamingBothModelsAndWhereEachWasSet() throws Exception {
		Process app = start("--spring.profiles.active=dev");
		ProcessOutput output = ProcessOutput.of("the sample app built ahead of time (started with dev)", app);
		if (!app.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new AssertionError("Did not stop within " + RUN_TIMEOUT + "; its last lines:\n" + output.tail(80));
		}
		output.awaitEnd(Duration.ofSeconds(10));
		assertThat(app.exitValue()).isNotZero();
		assertThat(output.text()).contains("APPLICATION FAILED TO START")
			.contains("built ahead of time for the concurrency model 'virtual' (chosen by concurrency.model=virtual "
					+ "(from class path resource [application-prod.yml]")
			.contains("with spring.profiles.active=prod (from \"spring.profiles.active\" from property source "
					+ "\"commandLineArgs\")")
			.contains("at startup the settings choose 'platform' (concurrency.model=platform (from class path "
					+ "resource [application-dev.yml]")
			.contains("with spring.profiles.active=dev (from \"spring.profiles.active\" from property source "
					+ "\"commandLineArgs\")")
			.contains("Start the application with the profiles and keys it was built with")
			.doesNotContain("Tomcat started");
	}

	private Process start(String... arguments) throws IOException {
		List<String> command = new ArrayList<>(List.of(MasterProcess.java(), "-Xmx256m"));
		command.addAll(MasterProcess.TEST_JVM_OPTIONS);
		command.add(this.temp.jvmOption());
		command.add("-Dspring.aot.enabled=true");
		command.add("-cp");
		command.add(aot.resolve("classes") + File.pathSeparator + aot.resolve("resources") + File.pathSeparator
				+ System.getProperty("java.class.path"));
		command.add(SampleApplication.class.getName());
		command.add("--server.port=0");
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().putAll(Map.of("REDIS_PASSWORD", SampleApplicationProfilesTests.REDIS_PASSWORD));
		Process process = builder.start();
		Reaper.watch(process.toHandle());
		this.started.add(process);
		return process;
	}

	/**
	 * Compile the generated sources into the generated classes' directory, as the Maven
	 * plugin's build does after {@code process-aot}.
	 */
	private static void compileGeneratedSources() throws IOException {
		List<String> sources;
		try (Stream<Path> files = Files.walk(aot.resolve("sources"))) {
			sources = files.filter((file) -> file.toString().endsWith(".java")).map(Path::toString).toList();
		}
		assertThat(sources).isNotEmpty();
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		List<String> arguments = new ArrayList<>(List.of("-proc:none", "-nowarn", "-d",
				aot.resolve("classes").toString(), "-cp", System.getProperty("java.class.path")));
		arguments.addAll(sources);
		ByteArrayOutputStream errors = new ByteArrayOutputStream();
		int status = compiler.run(null, null, errors, arguments.toArray(String[]::new));
		assertThat(status).as(errors.toString(StandardCharsets.UTF_8)).isZero();
	}

}
