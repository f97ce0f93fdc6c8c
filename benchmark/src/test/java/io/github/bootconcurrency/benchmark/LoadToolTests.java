package io.github.bootconcurrency.benchmark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.bootconcurrency.benchmark.cli.Arguments;
import io.github.bootconcurrency.benchmark.load.TestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link LoadTool}'s command line, against a real HTTP server.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LoadToolTests {

	private TestServer server;

	private final PrintStream stdout = System.out;

	private final ByteArrayOutputStream output = new ByteArrayOutputStream();

	@BeforeEach
	void start() throws IOException {
		this.server = new TestServer();
		System.setOut(new PrintStream(this.output, true, StandardCharsets.UTF_8));
	}

	@AfterEach
	void stop() {
		System.setOut(this.stdout);
		this.server.close();
	}

	@Test
	void closedLoopWarmsUpUntimedThenReportsTheCpuOfTheWatchedProcess() {
		int status = LoadTool
			.run(new Arguments("closed-loop", "--url=" + this.server.uri("/ok"), "--connections=2", "--duration=300ms",
					"--warmup=300ms", "--max-requests=50", "--quiet", "--watch-pid=" + ProcessHandle.current().pid()));
		String report = this.output.toString(StandardCharsets.UTF_8);
		assertThat(status).isZero();
		// The warm-up's requests reached the server but are not in the report.
		int reported = Integer.parseInt(report.replaceAll("(?s).*requests\\s+(\\d+) .*", "$1"));
		assertThat(this.server.requests.get()).isGreaterThan(reported);
		assertThat(report).contains("client CPU").contains("server CPU").contains("server switches");
	}

	@Test
	void unknownClientIsAUsageError() {
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> LoadTool.run(new Arguments("at-once", "--url=" + this.server.uri("/ok"), "--client=curl")))
			.withMessageContaining("socket or jdk");
	}

	@Test
	void loadGoesToLoopbackOnlyUnlessAllowed() {
		assertThatIllegalArgumentException().isThrownBy(() -> LoadTool.uri("http://example.com/", false));
		assertThat(LoadTool.uri("http://127.0.0.1:8080/hello", false).getPort()).isEqualTo(8080);
	}

}
