package io.github.bootconcurrency.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.EachBalancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import io.github.bootconcurrency.autoconfigure.testsupport.ProcessOutput;
import io.github.bootconcurrency.autoconfigure.testsupport.Reaper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app as its README runs it, {@code java -jar} on the repackaged jar that
 * {@code ./mvnw package} builds, nothing from the test's class path: each model serves,
 * and stops on {@code TERM} leaving no process behind; the multi-jvm master also reloads
 * a changed configuration file on {@code HUP}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SampleAppJarIT {

	private static final Path JAR = Path.of(System.getProperty("sample.jar", "target/sample-app.jar"));

	private static final Pattern TOMCAT_STARTED = Pattern.compile("Tomcat started on port (\\d+)");

	private static final JsonMapper json = JsonMapper.builder().build();

	@RegisterExtension
	final Masters masters = Masters.ofJar(JAR);

	private final List<Process> single = new ArrayList<>();

	@AfterEach
	void stopSingle() throws InterruptedException {
		for (Process process : this.single) {
			process.destroyForcibly();
			if (process.waitFor(30, TimeUnit.SECONDS)) {
				Reaper.forget(process.toHandle());
			}
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "platform", "virtual" })
	void aSingleJvmModelServesFromTheJarAndStopsOnSigterm(String model) throws Exception {
		assertThat(JAR).as("the repackaged jar, built by the package phase").isRegularFile();
		Process app = new ProcessBuilder(MasterProcess.java(), "-Xmx256m", "-jar", JAR.toString(), "--server.port=0",
				"--concurrency.model=" + model)
			.redirectErrorStream(true)
			.start();
		this.single.add(app);
		Reaper.watch(app.toHandle());
		ProcessOutput output = ProcessOutput.of("the sample app's jar (" + model + ")", app);
		Matcher started = TOMCAT_STARTED.matcher(output.await(TOMCAT_STARTED, 1, MasterProcess.BOOT_TIMEOUT).text());
		assertThat(started.find()).isTrue();
		int port = Integer.parseInt(started.group(1));
		JsonNode served = json.readTree(Http.get(port, "/io-bound?s=0").body());
		assertThat(served.get("virtualThread").asBoolean()).isEqualTo(model.equals("virtual"));
		assertThat(served.get("pid").asLong()).isEqualTo(app.pid());
		assertThat(json.readTree(Http.get(port, "/actuator/concurrency").body()).get("model").asString())
			.isEqualTo(model);
		List<ProcessHandle> children = app.descendants().toList();
		MasterProcess.signal("TERM", app.pid());
		assertThat(app.waitFor(60, TimeUnit.SECONDS)).as(output.tail(40)).isTrue();
		// A JVM ended by a signal, after its shutdown hooks ran: 128 + 15, which
		// systemd's
		// SuccessExitStatus=143 and Kubernetes take as a clean stop.
		assertThat(app.exitValue()).isEqualTo(143);
		output.await("Graceful shutdown complete", Duration.ofSeconds(10));
		assertThat(children).noneMatch(ProcessHandle::isAlive);
	}

	@EachBalancer
	void theMultiProfileMasterServesFromTheJarReloadsAChangedFileOnSighupAndStopsWithStatusZero(Balancer balancer,
			@TempDir Path config) throws Exception {
		assertThat(JAR).as("the repackaged jar, built by the package phase").isRegularFile();
		Path file = config.resolve("application-multi.yml");
		Files.writeString(file, "concurrency.multi-jvm.workers: 1\n");
		// The AOT cache off: its own replacement of the first worker (reason aot-cache)
		// would be one more ready line and one more stopped worker than the reload's,
		// and its creation JVM one more descendant. The jar under the default auto is
		// MultiJvmAotCacheGuaranteesIT's.
		MasterProcess master = this.masters.start(balancer, 0, "--spring.profiles.active=multi",
				"--spring.config.additional-location=file:" + config + "/", "--concurrency.multi-jvm.aot-cache=off");
		master.awaitReady(1);
		JsonNode before = json.readTree(Http.get(master.port(), "/actuator/concurrency").body());
		assertThat(before.get("model").asString()).isEqualTo("platform");
		assertThat(before.get("cluster").get("targetWorkers").asInt()).isEqualTo(1);
		long first = master.readyPids().get(0);
		assertThat(json.readTree(Http.jsonBody(Http.getOnNewConnection(master.port(), "/io-bound?s=0")))
			.get("pid")
			.asLong()).isEqualTo(first);

		Files.writeString(file, "concurrency.multi-jvm:\n  workers: 2\n  worker-model: virtual\n");
		master.signal("HUP");
		master.awaitReady(3);
		master.awaitStopped(first, Duration.ofSeconds(60));
		JsonNode after = json.readTree(Http.get(master.port(), "/actuator/concurrency").body());
		assertThat(after.get("model").asString()).isEqualTo("virtual");
		assertThat(after.get("cluster").get("targetWorkers").asInt()).isEqualTo(2);

		List<ProcessHandle> workers = master.process().descendants().toList();
		assertThat(workers).hasSize(2);
		master.signal("TERM");
		assertThat(master.awaitExit(Duration.ofSeconds(60))).isZero();
		assertThat(workers).noneMatch(ProcessHandle::isAlive);
	}

}
