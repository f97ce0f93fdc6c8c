package io.github.bootconcurrency.autoconfigure.multijvm.master.scrape;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.multijvm.master.loop.FakeWorkers;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.TestWorkers;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Worker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ClusterScrape}, with workers' sockets that are real Unix domain
 * sockets: one that answers, one that accepts and then says nothing, as a stopped JVM
 * does.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ClusterScrapeTests {

	private final Path directory;

	private final List<ServerSocketChannel> servers = new ArrayList<>();

	private final List<SocketChannel> held = new ArrayList<>();

	ClusterScrapeTests() throws IOException {
		this.directory = Files.createTempDirectory("concurrency-master-",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
	}

	@AfterEach
	void close() throws IOException {
		for (SocketChannel channel : this.held) {
			channel.close();
		}
		for (ServerSocketChannel server : this.servers) {
			server.close();
		}
		try (var files = Files.list(this.directory)) {
			for (Path file : files.toList()) {
				Files.delete(file);
			}
		}
		Files.delete(this.directory);
	}

	@Test
	void aWorkerThatDoesNotAnswerIsLeftOutWithinTheTimeoutAndCountedWhileTheOthersAreLabelledWithTheirSlot()
			throws Exception {
		answering(1, "token-1", "jvm_threads_live_threads 21\n");
		silent(2);
		ClusterScrape scrape = new ClusterScrape(this.directory, Duration.ofMillis(500));
		long started = System.nanoTime();
		List<String> lines = scrape.scrape(List.of(ready(1, 1, "token-1"), ready(2, 2, "token-2")),
				(series) -> series.add("concurrency_master_workers_target", "gauge", "Target.", Map.of(), 2), Set.of());
		// Without the timeout the scrape would wait for the silent worker for ever; how
		// close to 500 ms it ends is no matter for a loaded machine.
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
		assertThat(lines).contains("jvm_threads_live_threads{worker=\"1\"} 21", "concurrency_master_workers_target 2.0",
				"concurrency_master_scrape_errors_total{worker=\"1\"} 0.0",
				"concurrency_master_scrape_errors_total{worker=\"2\"} 1.0");
		assertThat(lines).noneMatch((line) -> line.contains("worker=\"2\"} 21"));
	}

	@Test
	void onlyTheNewestReadyWorkerOfASlotIsAskedSoNoSeriesComesTwice() throws Exception {
		answering(3, "token-3", "up 1\n");
		answering(5, "token-5", "up 1\n");
		Worker booting = TestWorkers.worker(6, 1, 2, 1, "token-6", 0, new FakeWorkers.Process(6, 6), Instant.now());
		ClusterScrape scrape = new ClusterScrape(this.directory, Duration.ofSeconds(2));
		List<String> lines = scrape.scrape(List.of(ready(3, 1, "token-3"), ready(5, 1, "token-5"), booting),
				(series) -> {
				}, Set.of());
		assertThat(lines).filteredOn((line) -> line.startsWith("up")).containsExactly("up{worker=\"1\"} 1");
	}

	@Test
	void aWorkerIsAskedWithItsOwnTokenAndTheNamesToInclude() throws Exception {
		List<String> requests = answering(4, "token-4", "up 1\n");
		new ClusterScrape(this.directory, Duration.ofSeconds(2)).scrape(List.of(ready(4, 1, "token-4")), (series) -> {
		}, Set.of("up"));
		assertThat(requests).containsExactly("token-4 SCRAPE up");
	}

	@Test
	void atMostTwoScrapesRunAtOnceAndAThirdWaitsItsTurnThenIsRefusedSayingWhy() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		List<String> requests = slow(1, "token-1", "up 1\n", release);
		List<Worker> workers = List.of(ready(1, 1, "token-1"));
		ClusterScrape scrape = new ClusterScrape(this.directory, Duration.ofSeconds(60), 2, Duration.ofMillis(300),
				ClusterScrape.MAX_SCRAPE_BYTES);
		ExecutorService scrapes = Executors.newVirtualThreadPerTaskExecutor();
		try {
			List<Future<List<String>>> running = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				running.add(scrapes.submit(() -> scrape.scrape(workers, (series) -> {
				}, Set.of())));
			}
			// Both hold their slot: the worker has both requests and answers neither yet.
			await().atMost(Duration.ofSeconds(30)).until(() -> requests.size() == 2);
			assertThatExceptionOfType(ClusterScrape.Busy.class).isThrownBy(() -> scrape.scrape(workers, (series) -> {
			}, Set.of())).withMessage("2 cluster scrapes are running and none ended within 300 ms; scrape less often");
			// The refused scrape never reached the worker.
			assertThat(requests).hasSize(2);
			release.countDown();
			for (Future<List<String>> done : running) {
				assertThat(done.get(30, TimeUnit.SECONDS)).contains("up{worker=\"1\"} 1");
			}
			// Their slots are free again.
			assertThat(scrape.scrape(workers, (series) -> {
			}, Set.of())).contains("up{worker=\"1\"} 1");
		}
		finally {
			release.countDown();
			scrapes.shutdownNow();
		}
	}

	@Test
	void oneScrapeReadsNoMoreThanItsBudgetFromAllWorkersTogetherAndCountsThoseLeftOut() throws Exception {
		// Three workers of 400 KB each, under the cap of one worker's exposition, and a
		// scrape's budget of 1 MiB: at most two fit.
		String exposition = "big_gauge " + "1".repeat(400 * 1024) + "\n";
		for (int id = 1; id <= 3; id++) {
			answering(id, "token-" + id, exposition);
		}
		ClusterScrape scrape = new ClusterScrape(this.directory, Duration.ofSeconds(60), 2, Duration.ofSeconds(1),
				1024 * 1024);
		List<String> lines = scrape
			.scrape(List.of(ready(1, 1, "token-1"), ready(2, 2, "token-2"), ready(3, 3, "token-3")), (series) -> {
			}, Set.of());
		long kept = lines.stream().filter((line) -> line.startsWith("big_gauge{")).count();
		long leftOut = lines.stream()
			.filter((line) -> line.startsWith("concurrency_master_scrape_errors_total{") && line.endsWith(" 1.0"))
			.count();
		assertThat(kept).isBetween(1L, 2L);
		assertThat(kept + leftOut).isEqualTo(3);
	}

	@Test
	void aWorkerLeftOutForItsOwnCapGivesBackOnlyWhatItTookFromTheScrapesBudget() throws Exception {
		// Worker 1 answers more than one worker may (16 MiB): it is left out once it
		// goes past that, and gives back to the scrape's budget of 24 MiB what it took.
		// Only then do workers 2 and 3 answer, with half the budget each and 1 byte more
		// between them: one fits, the other is left out. A worker that gave back more
		// than it took (the chunk that went past its cap) would make room for both.
		CountDownLatch firstLeftOut = new CountDownLatch(1);
		int budget = 24 * 1024 * 1024;
		overflowing(1, "token-1", ClusterScrape.MAX_EXPOSITION_BYTES + 1024 * 1024, firstLeftOut);
		answeringAfter(2, gauge("second_gauge", budget / 2), firstLeftOut);
		answeringAfter(3, gauge("third_gauge", budget / 2 + 1), firstLeftOut);
		ClusterScrape scrape = new ClusterScrape(this.directory, Duration.ofSeconds(60), 2, Duration.ofSeconds(1),
				budget);
		List<String> lines = scrape
			.scrape(List.of(ready(1, 1, "token-1"), ready(2, 2, "token-2"), ready(3, 3, "token-3")), (series) -> {
			}, Set.of());
		List<String> kept = lines.stream()
			.filter((line) -> line.startsWith("second_gauge{") || line.startsWith("third_gauge{"))
			.map((line) -> line.substring(0, line.indexOf('{')))
			.toList();
		List<String> leftOut = lines.stream()
			.filter((line) -> line.startsWith("concurrency_master_scrape_errors_total{") && line.endsWith(" 1.0"))
			.toList();
		assertThat(kept).as("the workers whose series the scrape kept").hasSize(1);
		assertThat(leftOut).as("the workers left out").hasSize(2).anyMatch((line) -> line.contains("worker=\"1\""));
	}

	/**
	 * An answer of exactly {@code bytes} bytes, {@code OK} line included: one gauge whose
	 * value has as many digits as it takes.
	 */
	private static String gauge(String name, int bytes) {
		int digits = bytes - "OK\n".length() - name.length() - 2;
		return name + " " + "1".repeat(digits) + "\n";
	}

	/**
	 * A worker that answers one request, whole, once the test lets it.
	 */
	private void answeringAfter(int id, String exposition, CountDownLatch release) throws IOException {
		ServerSocketChannel server = bind(id);
		Thread.ofVirtual().start(() -> {
			try (SocketChannel connection = server.accept()) {
				ByteBuffer request = ByteBuffer.allocate(512);
				while (connection.read(request) > 0) {
					// Until the master shuts its output.
				}
				if (release.await(60, TimeUnit.SECONDS)) {
					write(connection, "OK\n" + exposition);
				}
			}
			catch (IOException | InterruptedException ex) {
				// The test is over.
			}
		});
	}

	private static void write(SocketChannel connection, String answer) throws IOException {
		// One write may take only what fits in the socket's buffer.
		ByteBuffer bytes = ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8));
		while (bytes.hasRemaining()) {
			connection.write(bytes);
		}
	}

	/**
	 * A worker whose answer never ends in time for the master's cap: it writes until the
	 * master closes the connection, then says so.
	 */
	private void overflowing(int id, String token, int bytes, CountDownLatch closedByTheMaster) throws IOException {
		ServerSocketChannel server = bind(id);
		Thread.ofVirtual().start(() -> {
			try (SocketChannel connection = server.accept()) {
				ByteBuffer request = ByteBuffer.allocate(512);
				while (connection.read(request) > 0) {
					// Until the master shuts its output.
				}
				write(connection, "OK\n" + gauge("huge_gauge", bytes));
			}
			catch (IOException ex) {
				// The master closed the connection past the cap.
			}
			finally {
				closedByTheMaster.countDown();
			}
		});
	}

	/**
	 * A worker that takes every request at once, on a thread of its own, and answers only
	 * once the test lets it.
	 */
	private List<String> slow(int id, String token, String exposition, CountDownLatch release) throws IOException {
		List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
		ServerSocketChannel server = bind(id);
		Thread.ofVirtual().start(() -> {
			while (server.isOpen()) {
				try {
					SocketChannel connection = server.accept();
					Thread.ofVirtual().start(() -> {
						try (connection) {
							ByteBuffer buffer = ByteBuffer.allocate(512);
							while (connection.read(buffer) > 0) {
								// Until the master shuts its output.
							}
							requests.add(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
							if (release.await(60, TimeUnit.SECONDS)) {
								connection
									.write(ByteBuffer.wrap(("OK\n" + exposition).getBytes(StandardCharsets.UTF_8)));
							}
						}
						catch (IOException | InterruptedException ex) {
							// The test is over.
						}
					});
				}
				catch (IOException ex) {
					return;
				}
			}
		});
		return requests;
	}

	private Worker ready(int id, int slot, String token) {
		Worker worker = TestWorkers.worker(id, slot, 0, 1, token, 0, new FakeWorkers.Process(id, id), Instant.now());
		TestWorkers.ready(worker, Instant.now(), 40000 + id);
		return worker;
	}

	private List<String> answering(int id, String token, String exposition) throws IOException {
		List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
		ServerSocketChannel server = bind(id);
		Thread.ofVirtual().start(() -> {
			while (server.isOpen()) {
				try (SocketChannel connection = server.accept()) {
					ByteBuffer buffer = ByteBuffer.allocate(512);
					while (connection.read(buffer) > 0) {
						// Until the master shuts its output.
					}
					String request = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).trim();
					requests.add(request);
					String answer = request.startsWith(token + " ") ? "OK\n" + exposition : "DENIED\n";
					// One write may take only what fits in the socket's buffer.
					ByteBuffer bytes = ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8));
					while (bytes.hasRemaining()) {
						connection.write(bytes);
					}
				}
				catch (IOException ex) {
					return;
				}
			}
		});
		return requests;
	}

	private void silent(int id) throws IOException {
		ServerSocketChannel server = bind(id);
		Thread.ofVirtual().start(() -> {
			try {
				this.held.add(server.accept());
			}
			catch (IOException ex) {
				// Closed by the test.
			}
		});
	}

	private ServerSocketChannel bind(int id) throws IOException {
		ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		server.bind(UnixDomainSocketAddress.of(WorkerEnvironment.scrapeSocket(this.directory, id)));
		this.servers.add(server);
		return server;
	}

}
