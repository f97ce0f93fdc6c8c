package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the {@code proxy} balancer does with a request whose worker is SIGKILLed under it,
 * with real JVMs: a GET is sent again to the other worker, which answers it; a POST is
 * not, since the dead worker may have acted on it, and the client is told it failed.
 *
 * <p>
 * Nothing is left to timing: the request is held by {@code /hold} in whichever worker the
 * proxy picked, which says so on its output; the test finds that worker's own port in the
 * cluster view, checks there that it holds the request, lets the tag go in the other
 * worker beforehand (so that a request sent there is answered at once), and only then
 * kills the holder.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MultiJvmProxyRetryIT {

	private static final Pattern HOLDING = Pattern.compile("\\[worker \\d+ pid (\\d+)\\] holding (\\S+) (\\S+)$");

	private final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	private MasterProcess master;

	@BeforeEach
	void startTwoWorkers() throws Exception {
		this.master = this.masters.start(Balancer.PROXY, 2, "--management.endpoints.web.exposure.include=concurrency");
		this.master.awaitReady(2);
	}

	@AfterEach
	void closeClient() {
		this.client.shutdownNow();
	}

	@Test
	void aGetWhoseWorkerIsKilledUnderItIsAnsweredByTheOtherWorker() throws Exception {
		CompletableFuture<HttpResponse<String>> response = send(request("/hold?tag=get").GET());
		Held held = awaitHeld("GET", "get");
		MasterProcess.signal("KILL", held.pid);
		HttpResponse<String> answer = response.get(60, TimeUnit.SECONDS);
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		assertThat(this.json.readTree(answer.body()).get("pid").asLong()).as("the worker that answered")
			.isEqualTo(held.otherPid);
		assertThat(calls(held.otherPort)).as("calls the other worker took").containsExactly("GET get");
	}

	@Test
	void aPostWhoseWorkerIsKilledUnderItFailsAndNeverRunsOnTheOtherWorker() throws Exception {
		// Empty, so that only the proxy's rule keeps it from being sent again: one with a
		// body is not read whole when the proxy picks the worker, and could not be.
		CompletableFuture<HttpResponse<String>> response = send(
				request("/hold?tag=post").POST(HttpRequest.BodyPublishers.noBody()));
		Held held = awaitHeld("POST", "post");
		MasterProcess.signal("KILL", held.pid);
		HttpResponse<String> answer = response.get(60, TimeUnit.SECONDS);
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
		// Asked once the client has its answer: a retry would have come before it.
		assertThat(calls(held.otherPort)).as("calls the other worker took").isEmpty();
	}

	/**
	 * Wait until a worker says it holds the request, check with that worker itself, and
	 * let the tag go in the other worker.
	 */
	private Held awaitHeld(String method, String tag) throws Exception {
		Matcher holding = HOLDING.matcher(this.master.lines().await(HOLDING, 1, Http.TIMEOUT).text());
		assertThat(holding.find()).isTrue();
		assertThat(holding.group(2) + " " + holding.group(3)).isEqualTo(method + " " + tag);
		long pid = Long.parseLong(holding.group(1));
		JsonNode workers = this.json.readTree(Http.get(this.master.port(), "/actuator/concurrency").body())
			.get("cluster")
			.get("workers");
		assertThat(workers).hasSize(2);
		int port = 0;
		long otherPid = 0;
		int otherPort = 0;
		for (JsonNode worker : workers) {
			if (worker.get("pid").asLong() == pid) {
				port = worker.get("port").asInt();
			}
			else {
				otherPid = worker.get("pid").asLong();
				otherPort = worker.get("port").asInt();
			}
		}
		assertThat(port).as("the holder's own port").isPositive();
		assertThat(otherPort).as("the other worker's own port").isPositive();
		JsonNode holderCalls = this.json.readTree(Http.get(port, "/calls").body());
		assertThat(holderCalls.get("held").toString()).as("what the holder holds, asked directly")
			.isEqualTo("[\"" + method + " " + tag + "\"]");
		assertThat(Http.get(otherPort, "/release?tag=" + tag).statusCode()).isEqualTo(200);
		return new Held(pid, otherPid, otherPort);
	}

	private List<String> calls(int port) throws Exception {
		JsonNode calls = this.json.readTree(Http.get(port, "/calls").body()).get("calls");
		return calls.valueStream().map(JsonNode::asString).toList();
	}

	private CompletableFuture<HttpResponse<String>> send(HttpRequest.Builder request) {
		return this.client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.master.port() + path))
			.timeout(Duration.ofSeconds(60));
	}

	/**
	 * The worker that holds the request, and the other one.
	 */
	private record Held(long pid, long otherPid, int otherPort) {
	}

}
