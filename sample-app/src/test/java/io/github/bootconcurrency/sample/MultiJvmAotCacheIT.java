package io.github.bootconcurrency.sample;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Commands;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import io.github.bootconcurrency.autoconfigure.testsupport.Traffic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@code concurrency.multi-jvm.aot-cache: auto} with a real master of the sample app's
 * repackaged jar ({@code java -jar}, a copy of it), its real worker JVMs and real
 * signals, behind the proxy and under steady keep-alive traffic (bounded, 127.0.0.1
 * only): a worker launched before the extraction is replaced surge-first so that its
 * successor records, the recorder is replaced surge-first once it served its requests,
 * the cache is created from its recording, and the workers of a reload start with it,
 * their JVMs saying they opened it; then a cache damaged in its middle is refused,
 * logged, deleted and recorded again, while every worker boots; then another jar renamed
 * over the application's and a HUP: the new workers serve the new jar's code, not the
 * cached copy of the old one. Not one request fails throughout. The recorder's worker
 * token and the master's forwarding secret (read from the recorder's JVM with
 * {@code jcmd}) show nowhere in the master's output, in the recording (kept by a hard
 * link as the JVM writes it) or in any file of the cache's directory.
 * <p>
 * The proxy only: nothing here depends on the balancer but the serving, and the
 * balancer's guarantees under the cache (a reload's workers with it, no failed request,
 * with kept-alive clients) are MultiJvmAotCacheGuaranteesIT's, under both. The proxy has
 * both secrets to look for.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class MultiJvmAotCacheIT {

	private static final Path JAR = Path.of(System.getProperty("sample.jar", "target/sample-app.jar"));

	private static final Pattern EXTRACTED = Pattern.compile("AOT cache: extracted the application into (\\S+)/app in");

	private static final Pattern RECORDER = Pattern
		.compile("worker \\d+ \\(pid (\\d+), [^)]*\\) is ready after \\d+ ms, AOT cache: recording");

	private static final Duration STEP = Duration.ofMinutes(3);

	/**
	 * How long the cache's creation may take: its JVM runs with one processor, beside the
	 * workers and CI's other ITs.
	 */
	private static final Duration CREATION = Duration.ofMinutes(5);

	private final Path work = workDirectory();

	private final Path application = this.work.resolve("app.jar");

	@RegisterExtension
	final Masters masters = Masters.ofJar(this.application);

	@ParameterizedTest
	@EnumSource(value = Balancer.class, names = "PROXY")
	void theRecordersCacheStartsAReloadsWorkersADamagedOneIsRebuiltAndANewJarIsServedWithNoFailedRequest(
			Balancer balancer) throws Exception {
		assumeThat(Runtime.version().feature()).as("an AOT cache recorded as the JVM exits needs Java 25")
			.isGreaterThanOrEqualTo(25);
		assertThat(JAR).as("the repackaged jar, built by the package phase").isRegularFile();
		Files.copy(JAR, this.application, StandardCopyOption.REPLACE_EXISTING);
		MasterProcess master = this.masters.start(balancer, 2, "--concurrency.multi-jvm.aot-cache=auto");
		master.awaitReady(2);
		Matcher extracted = EXTRACTED.matcher(master.lines().await(EXTRACTED, 1, STEP).text());
		assertThat(extracted.find()).isTrue();
		Path directory = Path.of(extracted.group(1));
		Path cache = directory.resolve("app.aot");
		List<String> secrets;
		try (KeptRecordings recordings = KeptRecordings.watch(directory, this.work.resolve("recordings"))) {
			// 5 ms a request: the clients' bound of exchanges lasts the whole test.
			// Within the class's timeout: on a loaded host the cache's creation takes
			// minutes, twice here.
			Traffic traffic = Traffic.start(master.port(), "/io-bound?s=0.005", 2, Traffic.Connections.KEPT_ALIVE,
					Duration.ofMinutes(14));
			traffic.awaitOk(20, Duration.ofSeconds(60));
			// The workers at startup were launched before the extraction: one is
			// replaced so that its successor records.
			master.lines().await("was launched before the AOT cache could be recorded", STEP);
			Matcher recorder = RECORDER.matcher(master.lines().await(RECORDER, 1, STEP).text());
			assertThat(recorder.find()).isTrue();
			secrets = secretsOf(Long.parseLong(recorder.group(1)), balancer);
			master.lines().await("recorded the AOT cache over", STEP);
			master.lines().await("AOT cache: ready (", CREATION);
			assertThat(cache).isRegularFile();
			assertThat(recordings.kept()).as("the recording, kept as it was written").isNotEmpty();
			master.awaitReady(4);
			master.signal("HUP");
			// Said only once the worker's JVM said it opened the cache and did not refuse
			// it.
			master.lines().await(Pattern.compile("is ready after \\d+ ms, AOT cache: used"), 2, STEP);
			// Damaged in its middle: the JVM refuses it (-XX:+VerifySharedSpaces) and
			// boots. A copy damaged and renamed over it, as a damage looks to a new JVM:
			// the running workers keep the file they mapped, whose pages would otherwise
			// change under them.
			Path damaged = cache.resolveSibling("app.aot.damaged-by-test");
			Files.copy(cache, damaged);
			try (RandomAccessFile file = new RandomAccessFile(damaged.toFile(), "rw")) {
				file.seek(file.length() / 2);
				file.write(new byte[] { -1, -1, -1, -1, -1, -1, -1, -1 });
			}
			Files.move(damaged, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			int readyBefore = master.readyPids().size();
			master.signal("HUP");
			master.lines().await("AOT cache refused by worker", STEP);
			master.awaitReady(readyBefore + 2);
			master.lines().await("AOT cache: ready (", 2, CREATION);
			// Another jar renamed over the application's, as a deployment does, then a
			// HUP: the workers run it, not the copy extracted from the old one.
			String marker = "swapped-" + UUID.randomUUID();
			Path next = this.work.resolve("app.jar.next");
			withBuildVersion(JAR, next, marker);
			List<Long> beforeSwap = master.livePids();
			Files.move(next, this.application, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			readyBefore = master.readyPids().size();
			master.signal("HUP");
			master.awaitReady(readyBefore + 2);
			for (long old : beforeSwap) {
				master.awaitStopped(old, STEP);
			}
			assertThat(master.output()).contains("AOT cache: the application's jar changed on disk");
			for (int i = 0; i < 6; i++) {
				assertThat(Http.get(master.port(), "/actuator/info").body()).as("served by the new jar")
					.contains(marker);
			}
			traffic.awaitOk(traffic.ok() + 20, Duration.ofSeconds(60));
			List<Traffic.Exchange> exchanges = traffic.stop();
			assertThat(exchanges).isNotEmpty()
				.allSatisfy((exchange) -> assertThat(exchange.ok()).as("%s", exchange).isTrue());
			assertThat(master.output()).containsOnlyOnce("AOT cache refused by worker");
			master.signal("TERM");
			assertThat(master.awaitExit(Duration.ofSeconds(90))).isZero();
			String output = master.output();
			assertThat(output).as("the JVM's -Xlog:aot=info lines are read, not forwarded")
				.doesNotContain("][aot] Opened AOT cache")
				.doesNotContain("AOT cache: not opened");
			for (String secret : secrets) {
				assertThat(output.contains(secret)).as("a secret in the master's output").isFalse();
			}
			List<Path> files = new ArrayList<>(recordings.kept());
			try (Stream<Path> all = Files.walk(directory)) {
				all.filter(Files::isRegularFile).forEach(files::add);
			}
			assertThat(files).anySatisfy((file) -> assertThat(file.getFileName()).hasToString("app.aot"));
			for (Path file : files) {
				String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
				for (String secret : secrets) {
					assertThat(bytes.contains(secret)).as("a secret in %s", file).isFalse();
				}
			}
			// What the master said of its cache, for the build's record.
			output.lines()
				.filter((line) -> line.contains("AOT cache") || line.contains("recorded the AOT cache"))
				.forEach((line) -> System.out.println("MultiJvmAotCacheIT[" + balancer + "]: " + line));
			System.out.println("MultiJvmAotCacheIT[" + balancer + "]: " + exchanges.size()
					+ " requests, none failed; checked for secrets: " + files.size() + " files");
		}
	}

	@AfterEach
	void removeWork() throws IOException {
		try (Stream<Path> all = Files.walk(this.work)) {
			for (Path path : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

	/**
	 * The worker's token and, under the proxy, the master's forwarding secret, as the
	 * worker's JVM holds them (system properties from its private argument file).
	 */
	private static List<String> secretsOf(long pid, Balancer balancer) {
		Path jcmd = Path.of(MasterProcess.java()).resolveSibling("jcmd");
		Commands.Result result = Commands.run(List.of(jcmd.toString(), Long.toString(pid), "VM.system_properties"),
				Duration.ofSeconds(60));
		assertThat(result.exitValue()).as(result.output()).isZero();
		List<String> secrets = new ArrayList<>();
		for (String line : result.output().lines().toList()) {
			for (String name : List.of(WorkerEnvironment.TOKEN, WorkerEnvironment.FORWARDING_SECRET)) {
				if (line.startsWith(name + "=")) {
					secrets.add(line.substring(name.length() + 1).replace("\\", ""));
				}
			}
		}
		assertThat(secrets).as("the token%s", (balancer == Balancer.PROXY) ? " and the forwarding secret" : "")
			.hasSize((balancer == Balancer.PROXY) ? 2 : 1)
			.allSatisfy((secret) -> assertThat(secret).hasSizeGreaterThanOrEqualTo(16));
		return secrets;
	}

	/**
	 * A copy of the jar with a build version, which {@code /actuator/info} shows.
	 */
	private static void withBuildVersion(Path jar, Path copy, String version) throws IOException {
		Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
		try (FileSystem zip = FileSystems.newFileSystem(copy, Map.of())) {
			Path info = zip.getPath("BOOT-INF/classes/META-INF/build-info.properties");
			Files.createDirectories(info.getParent());
			Files.writeString(info, "build.version=" + version + "\n");
		}
	}

	private static Path workDirectory() {
		try {
			return Files.createTempDirectory("aot-cache-it-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Every recording the cache's directory gets, hard-linked elsewhere as it is created:
	 * the store deletes it once the cache is created from it.
	 */
	private static final class KeptRecordings implements AutoCloseable {

		private final WatchService watcher;

		private final List<Path> kept = new CopyOnWriteArrayList<>();

		private final List<Exception> failures = new CopyOnWriteArrayList<>();

		private KeptRecordings(WatchService watcher) {
			this.watcher = watcher;
		}

		static KeptRecordings watch(Path directory, Path into) throws IOException {
			Files.createDirectories(into);
			WatchService watcher = directory.getFileSystem().newWatchService();
			directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
			KeptRecordings recordings = new KeptRecordings(watcher);
			Thread.ofVirtual().name("kept-recordings").start(() -> recordings.keep(directory, into));
			return recordings;
		}

		private void keep(Path directory, Path into) {
			try {
				while (true) {
					WatchKey key = this.watcher.take();
					for (WatchEvent<?> event : key.pollEvents()) {
						if (event.context() instanceof Path name && name.toString().startsWith("recording-")) {
							Path link = into.resolve(name + "." + this.kept.size());
							try {
								this.kept.add(Files.createLink(link, directory.resolve(name)));
							}
							catch (IOException ex) {
								this.failures.add(ex);
							}
						}
					}
					key.reset();
				}
			}
			catch (ClosedWatchServiceException | InterruptedException ex) {
				// Closed: done.
			}
		}

		List<Path> kept() {
			assertThat(this.failures).as("recordings that could not be kept").isEmpty();
			return this.kept;
		}

		@Override
		public void close() throws IOException {
			this.watcher.close();
		}

	}

}
