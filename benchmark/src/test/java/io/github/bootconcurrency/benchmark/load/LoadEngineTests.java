package io.github.bootconcurrency.benchmark.load;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.ClosedPort;
import io.github.bootconcurrency.autoconfigure.testsupport.RunsInParallel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LoadEngine} against a real HTTP server on a loopback port, with each
 * {@link LoadClient}: both must report the same things the same way.
 */
@RunsInParallel
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LoadEngineTests {

	private static final Duration GENEROUS = Duration.ofSeconds(10);

	private TestServer server;

	@BeforeEach
	void startServer() throws IOException {
		this.server = new TestServer();
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	private LoadEngine engine(LoadClient.Kind client, Duration readTimeout) {
		return new LoadEngine(GENEROUS, readTimeout, ProgressPrinter.silent(), client);
	}

	@ParameterizedTest
	@EnumSource(LoadClient.Kind.class)
	void atOnceReleasesEveryRequestTogether(LoadClient.Kind client) {
		int n = 40;
		LoadResult result = engine(client, GENEROUS).atOnce(this.server.uri("/sleep?ms=500"), n, GENEROUS);
		assertThat(this.server.peakInFlight.get()).isEqualTo(n);
		assertThat(result.count(200)).isEqualTo(n);
		// All slept side by side: far less than one after the other.
		assertThat(result.wallSeconds()).isBetween(0.5, 0.5 * n / 4);
	}

	@ParameterizedTest
	@EnumSource(LoadClient.Kind.class)
	void responseLatenciesIncludeTheServersDelay(LoadClient.Kind client) {
		LoadResult result = engine(client, GENEROUS).atOnce(this.server.uri("/sleep?ms=200"), 10, GENEROUS);
		assertThat(result.percentile(50)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
		assertThat(result.percentile(99)).isLessThanOrEqualTo(result.max());
		assertThat(result.max()).isLessThanOrEqualTo(result.wall());
	}

	@ParameterizedTest
	@EnumSource(LoadClient.Kind.class)
	void serverErrorIsCountedInTheStatusHistogramNotAsSocketError(LoadClient.Kind client) {
		LoadResult result = engine(client, GENEROUS).atOnce(this.server.uri("/every-third-fails"), 30, GENEROUS);
		assertThat(this.server.served500.get()).isPositive();
		assertThat(result.count(500)).isEqualTo(this.server.served500.get());
		assertThat(result.count(200)).isEqualTo(this.server.served200.get());
		assertThat(result.errorCount()).isZero();
		assertThat(result.failures()).isEqualTo(this.server.served500.get());
		assertThat(result.statusHistogram()).contains("500 × " + this.server.served500.get());
	}

	@ParameterizedTest
	@EnumSource(LoadClient.Kind.class)
	void refusedConnectionIsCountedAsSocketError(LoadClient.Kind client) throws IOException {
		try (ClosedPort closed = new ClosedPort()) {
			URI uri = URI.create("http://127.0.0.1:" + closed.port() + "/ok");
			LoadResult result = engine(client, GENEROUS).atOnce(uri, 3, GENEROUS);
			assertThat(result.errorCount(SocketError.CONNECT_REFUSED)).isEqualTo(3);
			assertThat(result.statuses()).isEmpty();
			assertThat(result.responses()).isZero();
			assertThat(result.percentile(50)).isNull();
		}
	}

	@ParameterizedTest
	@EnumSource(LoadClient.Kind.class)
	void responseSlowerThanTheReadTimeoutIsCountedAsReadTimeout(LoadClient.Kind client) {
		LoadResult result = engine(client, Duration.ofMillis(300)).atOnce(this.server.uri("/sleep?ms=3000"), 5,
				GENEROUS);
		assertThat(result.errorCount(SocketError.READ_TIMEOUT)).isEqualTo(5);
		assertThat(result.responses()).isZero();
		assertThat(result.wallSeconds()).isLessThan(2.5);
	}

	@ParameterizedTest
	@EnumSource(LoadClient.Kind.class)
	void requestsStillInFlightAtTheDeadlineAreCancelledAndCounted(LoadClient.Kind client) {
		Duration deadline = Duration.ofMillis(500);
		LoadResult result = engine(client, GENEROUS).atOnce(this.server.uri("/sleep?ms=5000"), 4, deadline);
		assertThat(result.errorCount(SocketError.DEADLINE)).isEqualTo(4);
		assertThat(result.wall()).isEqualTo(deadline);
	}

	@ParameterizedTest
	@EnumSource(LoadClient.Kind.class)
	void closedLoopStopsAtItsDuration(LoadClient.Kind client) {
		Duration duration = Duration.ofMillis(400);
		long start = System.nanoTime();
		LoadResult result = engine(client, GENEROUS).closedLoop(this.server.uri("/sleep?ms=20"), 4, duration,
				1_000_000);
		double elapsed = (System.nanoTime() - start) / 1e9;
		assertThat(result.wallSeconds()).isBetween(0.4, 3.0);
		assertThat(elapsed).isLessThan(5.0);
		assertThat(result.count(200)).isEqualTo(this.server.served200.get());
		// 4 connections, 20 ms a request: at most 4 × 400 / 20, plus the last round.
		assertThat(result.requests()).isBetween(4, 4 * 20 + 4);
	}

	@ParameterizedTest
	@EnumSource(LoadClient.Kind.class)
	void closedLoopStopsAtItsRequestBound(LoadClient.Kind client) {
		LoadResult result = engine(client, GENEROUS).closedLoop(this.server.uri("/ok"), 4, Duration.ofSeconds(30), 25);
		assertThat(result.requests()).isEqualTo(25);
		assertThat(this.server.requests.get()).isEqualTo(25);
		assertThat(result.wallSeconds()).isLessThan(10);
	}

	@ParameterizedTest
	@EnumSource(LoadClient.Kind.class)
	void constantRateSendsRateTimesDurationRequests(LoadClient.Kind client) {
		LoadResult result = engine(client, GENEROUS).constantRate(this.server.uri("/ok"), 40, Duration.ofMillis(500),
				1000);
		assertThat(result.requests()).isEqualTo(20);
		assertThat(this.server.requests.get()).isEqualTo(20);
		// The last of them is due 475 ms in.
		assertThat(result.wallSeconds()).isBetween(0.45, 3.0);
	}

	@ParameterizedTest
	@EnumSource(LoadClient.Kind.class)
	void constantRateCountsRequestsOverTheInFlightCapAsNotSent(LoadClient.Kind client) {
		// Both held well past the 500 ms in which the other eight are due.
		LoadResult result = engine(client, GENEROUS).constantRate(this.server.uri("/sleep?ms=1200"), 20,
				Duration.ofMillis(500), 2);
		assertThat(result.count(200)).isEqualTo(2);
		assertThat(result.errorCount(SocketError.NOT_SENT)).isEqualTo(8);
	}

	@ParameterizedTest
	@EnumSource(LoadClient.Kind.class)
	void closedLoopKeepsOneConnectionPerLoop(LoadClient.Kind client) {
		LoadResult result = engine(client, GENEROUS).closedLoop(this.server.uri("/ok"), 3, Duration.ofSeconds(30), 60);
		assertThat(result.count(200)).isEqualTo(60);
		assertThat(this.server.connections()).isBetween(1, 3);
	}

	@ParameterizedTest
	@EnumSource(LoadClient.Kind.class)
	void chunkedResponsesAreReadToTheirEndAndTheConnectionReused(LoadClient.Kind client) {
		LoadResult result = engine(client, GENEROUS).closedLoop(this.server.uri("/chunked"), 1, Duration.ofSeconds(30),
				20);
		assertThat(result.count(200)).isEqualTo(20);
		assertThat(this.server.connections()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(LoadClient.Kind.class)
	void connectionTheServerClosesIsReplacedForTheNextRequest(LoadClient.Kind client) {
		LoadResult result = engine(client, GENEROUS).closedLoop(this.server.uri("/close"), 1, Duration.ofSeconds(30),
				5);
		assertThat(result.count(200)).isEqualTo(5);
		assertThat(result.errorCount()).isZero();
		assertThat(this.server.connections()).isEqualTo(5);
	}

}
