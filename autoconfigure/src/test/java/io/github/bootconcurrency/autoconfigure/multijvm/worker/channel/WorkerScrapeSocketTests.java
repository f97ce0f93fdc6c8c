package io.github.bootconcurrency.autoconfigure.multijvm.worker.channel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkerScrapeSocket}, over a real Unix domain socket: a worker's
 * metrics go to the holder of its token only.
 */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WorkerScrapeSocketTests {

	private static final String TOKEN = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";

	private final Path directory;

	private final CopyOnWriteArrayList<Set<String>> asked = new CopyOnWriteArrayList<>();

	private final WorkerScrapeSocket socket;

	WorkerScrapeSocketTests() throws IOException {
		this.directory = Files.createTempDirectory("concurrency-master-",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		WorkerEnvironment worker = new WorkerEnvironment(7, ProcessHandle.current().pid(),
				this.directory.resolve("master.sock"), TOKEN, false, Duration.ofSeconds(1));
		this.socket = new WorkerScrapeSocket(worker, (names) -> {
			this.asked.add(names);
			return "jvm_threads_live_threads 21\n".getBytes(StandardCharsets.UTF_8);
		});
		this.socket.start();
	}

	@AfterEach
	void stop() throws IOException {
		this.socket.stop();
		Files.delete(this.directory);
	}

	@Test
	void theMasterWithTheWorkersTokenGetsItsExposition() throws Exception {
		assertThat(ask(TOKEN + " SCRAPE")).isEqualTo("OK\njvm_threads_live_threads 21\n");
		assertThat(ask(TOKEN + " SCRAPE jvm_threads_live_threads,up")).startsWith("OK\n");
		assertThat(this.asked).containsExactly(Set.of(), Set.of("jvm_threads_live_threads", "up"));
	}

	@Test
	void aWrongOrMissingTokenIsDeniedAndTheRefusalIsLoggedWithoutTheRequest(CapturedOutput output) throws Exception {
		String wrong = TOKEN.substring(1) + "0";
		assertThat(ask(wrong + " SCRAPE")).isEqualTo("DENIED\n");
		assertThat(ask("SCRAPE")).isEqualTo("DENIED\n");
		assertThat(ask("")).isEqualTo("DENIED\n");
		assertThat(this.asked).isEmpty();
		assertThat(output).contains("Refused a request for this worker's metrics").doesNotContain(wrong);
	}

	@Test
	void theSocketIsInTheMastersPrivateDirectoryAndGoesWhenTheWorkerStops() {
		Path path = WorkerEnvironment.scrapeSocket(this.directory, 7);
		assertThat(path).exists();
		this.socket.stop();
		assertThat(path).doesNotExist();
	}

	private String ask(String request) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(WorkerEnvironment.scrapeSocket(this.directory, 7)));
			channel.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
			channel.shutdownOutput();
			return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
