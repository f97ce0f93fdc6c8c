package io.github.bootconcurrency.benchmark;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LoadEngine} against a real HTTP server on a loopback port.
 */
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

	private LoadEngine engine(Duration readTimeout) {
		return new LoadEngine(GENEROUS, readTimeout, ProgressPrinter.silent());
	}

	@Test
	void atOnceReleasesEveryRequestTogether() {
		int n = 40;
		LoadResult result = engine(GENEROUS).atOnce(this.server.uri("/sleep?ms=500"), n, GENEROUS);
		assertThat(this.server.peakInFlight.get()).isEqualTo(n);
		assertThat(result.count(200)).isEqualTo(n);
		// All slept side by side: far less than one after the other.
		assertThat(result.wallSeconds()).isBetween(0.5, 0.5 * n / 4);
	}

	@Test
	void responseLatenciesIncludeTheServersDelay() {
		LoadResult result = engine(GENEROUS).atOnce(this.server.uri("/sleep?ms=200"), 10, GENEROUS);
		assertThat(result.percentile(50)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
		assertThat(result.percentile(99)).isLessThanOrEqualTo(result.max());
		assertThat(result.max()).isLessThanOrEqualTo(result.wall());
	}

	@Test
	void serverErrorIsCountedInTheStatusHistogramNotAsSocketError() {
		LoadResult result = engine(GENEROUS).atOnce(this.server.uri("/every-third-fails"), 30, GENEROUS);
		assertThat(this.server.served500.get()).isPositive();
		assertThat(result.count(500)).isEqualTo(this.server.served500.get());
		assertThat(result.count(200)).isEqualTo(this.server.served200.get());
		assertThat(result.errorCount()).isZero();
		assertThat(result.failures()).isEqualTo(this.server.served500.get());
		assertThat(result.statusHistogram()).contains("500 × " + this.server.served500.get());
	}

	@Test
	void refusedConnectionIsCountedAsSocketError() throws IOException {
		URI closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/ok");
		}
		LoadResult result = engine(GENEROUS).atOnce(closedPort, 3, GENEROUS);
		assertThat(result.errorCount(SocketError.CONNECT_REFUSED)).isEqualTo(3);
		assertThat(result.statuses()).isEmpty();
		assertThat(result.responses()).isZero();
		assertThat(result.percentile(50)).isNull();
	}

	@Test
	void responseSlowerThanTheReadTimeoutIsCountedAsReadTimeout() {
		LoadResult result = engine(Duration.ofMillis(300)).atOnce(this.server.uri("/sleep?ms=3000"), 5, GENEROUS);
		assertThat(result.errorCount(SocketError.READ_TIMEOUT)).isEqualTo(5);
		assertThat(result.responses()).isZero();
		assertThat(result.wallSeconds()).isLessThan(2.5);
	}

	@Test
	void requestsStillInFlightAtTheDeadlineAreCancelledAndCounted() {
		Duration deadline = Duration.ofMillis(500);
		LoadResult result = engine(GENEROUS).atOnce(this.server.uri("/sleep?ms=5000"), 4, deadline);
		assertThat(result.errorCount(SocketError.DEADLINE)).isEqualTo(4);
		assertThat(result.wall()).isEqualTo(deadline);
	}

	@Test
	void closedLoopStopsAtItsDuration() {
		Duration duration = Duration.ofMillis(800);
		long start = System.nanoTime();
		LoadResult result = engine(GENEROUS).closedLoop(this.server.uri("/sleep?ms=20"), 4, duration, 1_000_000);
		double elapsed = (System.nanoTime() - start) / 1e9;
		assertThat(result.wallSeconds()).isBetween(0.8, 3.0);
		assertThat(elapsed).isLessThan(5.0);
		assertThat(result.count(200)).isEqualTo(this.server.served200.get());
		// 4 connections, 20 ms a request: at most 4 × 800 / 20, plus the last round.
		assertThat(result.requests()).isBetween(4, 4 * 40 + 4);
	}

	@Test
	void closedLoopStopsAtItsRequestBound() {
		LoadResult result = engine(GENEROUS).closedLoop(this.server.uri("/ok"), 4, Duration.ofSeconds(30), 25);
		assertThat(result.requests()).isEqualTo(25);
		assertThat(this.server.requests.get()).isEqualTo(25);
		assertThat(result.wallSeconds()).isLessThan(10);
	}

	@Test
	void constantRateSendsRateTimesDurationRequests() {
		LoadResult result = engine(GENEROUS).constantRate(this.server.uri("/ok"), 40, Duration.ofSeconds(1), 1000);
		assertThat(result.requests()).isEqualTo(40);
		assertThat(this.server.requests.get()).isEqualTo(40);
		assertThat(result.wallSeconds()).isBetween(0.9, 3.0);
	}

	@Test
	void constantRateCountsRequestsOverTheInFlightCapAsNotSent() {
		LoadResult result = engine(GENEROUS).constantRate(this.server.uri("/sleep?ms=2000"), 20, Duration.ofMillis(500),
				2);
		assertThat(result.count(200)).isEqualTo(2);
		assertThat(result.errorCount(SocketError.NOT_SENT)).isEqualTo(8);
	}

}
