package io.github.bootconcurrency.benchmark.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link Wrk}: its parser on reports wrk 4.1.0 really printed (captured against
 * small local servers, src/test/resources/wrk), and a real run of wrk when installed.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WrkTests {

	private static String report(String name) throws IOException {
		try (InputStream in = WrkTests.class.getResourceAsStream("/wrk/" + name)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	@Test
	void cleanReportGivesTheRateRequestsAndPercentiles() throws IOException {
		Wrk.Result result = Wrk.parse(report("ok.txt"), 0.5);
		assertThat(result.requestsPerSecond()).isEqualTo(276.82);
		assertThat(result.requests()).isEqualTo(832);
		assertThat(result.seconds()).isEqualTo(3.01);
		assertThat(result.p50()).isEqualTo(Duration.ofNanos(43_990_000));
		assertThat(result.p99()).isEqualTo(Duration.ofNanos(104_230_000));
		assertThat(result.clean()).isTrue();
		assertThat(result.successesPerSecond()).isEqualTo(276.82);
		assertThat(result.cpuSeconds()).isEqualTo(0.5);
	}

	@Test
	void errorStatusesAreNotCountedAsSuccesses() throws IOException {
		Wrk.Result result = Wrk.parse(report("not-found.txt"), Double.NaN);
		assertThat(result.non2xx()).isEqualTo(549);
		assertThat(result.requests()).isEqualTo(549);
		assertThat(result.clean()).isFalse();
		assertThat(result.successesPerSecond()).isZero();
		assertThat(result.errorSummary()).contains("non-2xx/3xx 549");
	}

	@Test
	void socketErrorsAreParsedAndMakeTheRunUnclean() throws IOException {
		Wrk.Result result = Wrk.parse(report("read-errors.txt"), Double.NaN);
		assertThat(result.readErrors()).isEqualTo(22_602);
		assertThat(result.connectErrors()).isZero();
		assertThat(result.socketErrors()).isEqualTo(22_602);
		assertThat(result.p50()).isEqualTo(Duration.ofNanos(258_000));
		assertThat(result.clean()).isFalse();
	}

	@Test
	void outputThatIsNotAReportIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Wrk.parse("unable to connect to 127.0.0.1:1 Connection refused", Double.NaN))
			.withMessageContaining("Not a wrk report");
	}

	@Test
	void realWrkRunCountsWhatTheServerServedAndItsOwnCpu() throws Exception {
		Path wrk = Wrk.find();
		assumeTrue(wrk != null, "wrk is not on the PATH");
		try (TestServer server = new TestServer()) {
			long start = System.nanoTime();
			Wrk.Result result = Wrk.run(wrk, server.uri("/ok"), 4, Duration.ofSeconds(1));
			double wallSeconds = (System.nanoTime() - start) / 1e9;
			assertThat(result.requests()).isPositive().isLessThanOrEqualTo(server.served200.get());
			assertThat(result.clean()).isTrue();
			// wrk's rate is its count over its run, whose length it prints to 10 ms.
			assertThat(result.requestsPerSecond()).isCloseTo(result.requests() / result.seconds(), withinPercentage(5));
			// A second of traffic takes some CPU, and wrk's two threads cannot use more
			// than they had time for (give or take a tick in user and in system time).
			assertThat(result.cpuSeconds()).isPositive().isLessThanOrEqualTo(2 * wallSeconds + 0.02);
		}
	}

}
