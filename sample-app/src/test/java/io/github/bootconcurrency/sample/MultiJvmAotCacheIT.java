package io.github.bootconcurrency.sample;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import io.github.bootconcurrency.autoconfigure.testsupport.Traffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@code concurrency.multi-jvm.aot-cache: auto} with a real master of the sample app's
 * repackaged jar ({@code java -jar}), its real worker JVMs and real signals, under the
 * proxy balancer and steady keep-alive traffic (bounded, 127.0.0.1 only): a worker
 * launched before the extraction is replaced surge-first so that its successor records,
 * the recorder is replaced surge-first once it served its requests, the cache is created
 * from its recording, and the workers of a reload start with it; then a cache damaged in
 * its middle is refused, logged, deleted and recorded again, while every worker boots;
 * not one request fails throughout.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MultiJvmAotCacheIT {

	private static final Path JAR = Path.of(System.getProperty("sample.jar", "target/sample-app.jar"));

	private static final Pattern EXTRACTED = Pattern.compile("AOT cache: extracted the application into (\\S+)/app in");

	private static final Duration STEP = Duration.ofMinutes(3);

	@RegisterExtension
	final Masters masters = Masters.ofJar(JAR);

	@Test
	void theRecordersCacheStartsAReloadsWorkersAndADamagedOneIsRebuiltWithNoFailedRequest() throws Exception {
		assumeThat(Runtime.version().feature()).as("an AOT cache recorded as the JVM exits needs Java 25")
			.isGreaterThanOrEqualTo(25);
		assertThat(JAR).as("the repackaged jar, built by the package phase").isRegularFile();
		MasterProcess master = this.masters.start(Balancer.PROXY, 2, "--concurrency.multi-jvm.aot-cache=auto");
		master.awaitReady(2);
		Matcher extracted = EXTRACTED.matcher(master.lines().await(EXTRACTED, 1, STEP).text());
		assertThat(extracted.find()).isTrue();
		Path cache = Path.of(extracted.group(1)).resolve("app.aot");
		Traffic traffic = Traffic.start(master.port(), "/hello", 2, Traffic.Connections.KEPT_ALIVE,
				Duration.ofMinutes(8));
		traffic.awaitOk(20, Duration.ofSeconds(60));
		// The workers at startup were launched before the extraction: one is replaced
		// so that its successor records.
		master.lines().await("was launched before the AOT cache could be recorded", STEP);
		master.lines().await(", AOT cache: recording", STEP);
		master.lines().await("recorded the AOT cache over", STEP);
		master.lines().await("AOT cache: ready (", STEP);
		assertThat(cache).isRegularFile();
		master.awaitReady(4);
		master.signal("HUP");
		master.lines().await(Pattern.compile("is ready after \\d+ ms, AOT cache: used"), 2, STEP);
		// Damaged in its middle: the JVM refuses it (-XX:+VerifySharedSpaces) and boots.
		// A copy damaged and renamed over it, as a damage looks to a new JVM: the running
		// workers keep the file they mapped, whose pages would otherwise change under
		// them.
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
		master.lines().await("AOT cache: ready (", 2, STEP);
		List<Traffic.Exchange> exchanges = traffic.stop();
		assertThat(exchanges).isNotEmpty()
			.allSatisfy((exchange) -> assertThat(exchange.ok()).as("%s", exchange).isTrue());
		assertThat(master.output()).containsOnlyOnce("AOT cache refused by worker");
		assertThat(Files.size(cache)).isPositive();
		master.signal("TERM");
		assertThat(master.awaitExit(Duration.ofSeconds(90))).isZero();
		// What the master said of its cache, for the build's record.
		master.output()
			.lines()
			.filter((line) -> line.contains("AOT cache") || line.contains("recorded the AOT cache"))
			.forEach((line) -> System.out.println("MultiJvmAotCacheIT: " + line));
		System.out.println("MultiJvmAotCacheIT: " + exchanges.size() + " requests, none failed");
	}

}
