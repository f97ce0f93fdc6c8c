package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets given to a multi-jvm master, with real JVMs: a password passed as an
 * application argument and one passed as a JVM option reach the worker, yet show nowhere
 * else: not on the worker's command line ({@code ps}), not in any line the master or the
 * worker prints, not in any actuator endpoint; and a JVM that the application starts
 * neither inherits the worker's token nor takes itself for a worker.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MultiJvmSecretsIT {

	private static final String ARGUMENT_SECRET = "Arg-S3cret-7f2a";

	private static final String JVM_SECRET = "Jvm-S3cret-91cd";

	private static final String[] SECRETS = { ARGUMENT_SECRET, JVM_SECRET };

	private final HttpClient client = HttpClient.newHttpClient();

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	private MasterProcess master;

	@Test
	void passwordsGivenToTheMasterReachTheWorkerButNoCommandLineLogEndpointOrChildProcess() throws Exception {
		// The wrapper puts a JVM option before the master's own: -D… as a user would.
		this.master = this.masters.start(Balancer.PROXY, 1,
				List.of("sh", "-c", "exec \"$0\" -Dspring.data.redis.sentinel.password=" + JVM_SECRET + " \"$@\""),
				"--spring.data.redis.password=" + ARGUMENT_SECRET, "--app.marker=visible marker \"quoted\"",
				"plain-non-option", "--management.endpoints.web.exposure.include=*",
				"--management.endpoint.env.show-values=always", "--management.endpoint.configprops.show-values=always");
		this.master.awaitReady(1);
		long worker = this.master.readyPids().get(0);

		// The worker got every argument, exactly.
		String arguments = get("/arguments");
		assertThat(arguments).contains("\"nonOptionArgs\":[\"plain-non-option\"]")
			.contains("\"marker\":\"visible marker \\\"quoted\\\"\"")
			.contains("\"argumentSecretLength\":" + ARGUMENT_SECRET.length())
			.contains("\"jvmSecretLength\":" + JVM_SECRET.length());

		// ps shows neither the secrets nor the token; the file that held them is gone.
		List<String> commandLine = MasterProcess.commandLine(worker);
		assertThat(String.join(" ", commandLine)).doesNotContain(SECRETS)
			.doesNotContain(WorkerEnvironment.TOKEN)
			.doesNotContain("plain-non-option");
		Path argumentFile = Path.of(commandLine.get(commandLine.size() - 1).substring(1));
		assertThat(commandLine.get(commandLine.size() - 1)).startsWith("@");
		assertThat(argumentFile).doesNotExist();
		String environ = Files.readString(Path.of("/proc/" + worker + "/environ"), StandardCharsets.UTF_8);
		assertThat(environ).doesNotContain(SECRETS).doesNotContain(WorkerEnvironment.TOKEN);

		// No endpoint shows a secret, with show-values=always.
		for (String endpoint : List.of("/actuator/env", "/actuator/env/sun.java.command",
				"/actuator/env/spring.data.redis.password", "/actuator/env/spring.data.redis.sentinel.password",
				"/actuator/configprops", "/actuator/health", "/actuator/concurrency", "/actuator/info",
				"/actuator/prometheus")) {
			assertThat(get(endpoint)).as(endpoint).doesNotContain(SECRETS);
		}
		assertThat(get("/actuator/env")).contains("visible marker");

		// A JVM of the same application that the worker starts is no worker.
		String child = get("/child");
		assertThat(child).as(child)
			.contains("identity: worker=false, token-in-environment=false, token-in-properties=false, "
					+ "watching-a-master=false")
			.doesNotContain(SECRETS);

		this.master.signal("TERM");
		// Waits for the output's end too: the check for secrets below reads all of it.
		assertThat(this.master.awaitExit(Duration.ofSeconds(60))).as("the master's exit status").isZero();
		assertThat(argumentFile.getParent()).doesNotExist();
		String output = this.master.output();
		assertThat(output).contains("[worker 1 pid " + worker + "]");
		assertThat(output.lines().filter((line) -> List.of(SECRETS).stream().anyMatch(line::contains))).isEmpty();
	}

	private String get(String path) throws Exception {
		HttpResponse<String> response = this.client
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.master.port() + path))
				.timeout(Duration.ofSeconds(90))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
		return response.body();
	}

}
