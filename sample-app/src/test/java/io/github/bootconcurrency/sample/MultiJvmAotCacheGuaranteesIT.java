package io.github.bootconcurrency.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Shutdown;
import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.EachBalancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Handover;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.KeptAliveClients;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import io.github.bootconcurrency.autoconfigure.testsupport.ProcessOutput;
import io.github.bootconcurrency.autoconfigure.testsupport.Traffic;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The multi-jvm guarantees under {@code concurrency.multi-jvm.aot-cache: auto}, with a
 * real master of the sample app's repackaged jar ({@code java -jar}, its private
 * {@code java.io.tmpdir}, under which the cache is kept), its real worker JVMs and real
 * signals, under each balancer, with clients on kept-alive connections that never retry
 * and clients on a connection per request throughout (bounded, 127.0.0.1 only). On one
 * master: a HUP, a TTIN and a TTOU while the worker launched before the extraction is
 * replaced by the recorder; {@code max-requests} recycles while the recorder records and
 * once the cache is ready; a HUP once it is ready; a worker killed and a worker stopped
 * ({@code SIGSTOP}, hung). Not one request fails, except under {@code shared-socket} the
 * requests on the connections of the killed and the hung worker, as documented; the
 * recorder's predecessor is replaced surge-first; and every worker launched once the
 * cache is ready starts with it. On a second, short master: {@code TERM} while a worker
 * records stops everything within the graceful timeout, the requests in flight at
 * {@code TERM} are answered, and no process of the master is left.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class MultiJvmAotCacheGuaranteesIT {

	private static final Path JAR = Path.of(System.getProperty("sample.jar", "target/sample-app.jar"));

	private static final Pattern EXTRACTED = Pattern.compile("AOT cache: extracted the application into (\\S+)/app in");

	private static final Pattern LAUNCHED_BEFORE = Pattern
		.compile("worker \\d+ \\(pid (\\d+), [^)]*\\) was launched before the AOT cache could be recorded");

	private static final Pattern RECORDER = Pattern
		.compile("worker \\d+ \\(pid (\\d+), [^)]*\\) is ready after \\d+ ms, AOT cache: recording");

	private static final Pattern STARTED = Pattern.compile("\\[master\\] Started worker \\d+ \\(pid (\\d+)[,)]");

	private static final Pattern READY = Pattern
		.compile("\\[master\\] worker \\d+ \\(pid (\\d+), port \\d+, ready\\) is ready after \\d+ ms");

	private static final Pattern ENDED = Pattern
		.compile("worker \\d+ \\(pid (\\d+), [^)]*\\) (stopped with status|died with status|exited with status)");

	private static final Pattern MAX_REQUESTS = Pattern
		.compile("served \\d+ requests \\(max-requests with jitter: \\d+\\): replacing it");

	private static final Pattern IN_FLIGHT = Pattern.compile("\"inFlight\"\\s*:\\s*(\\d+)");

	private static final String RELOADED = "Received SIGHUP: configuration read again";

	private static final Duration STEP = Duration.ofMinutes(2);

	/**
	 * How long the cache's creation may take: its JVM runs with one processor, so while
	 * workers boot on every core (max-requests recycles them here, and CI runs other ITs
	 * beside) it gets a share of one.
	 */
	private static final Duration CREATION = Duration.ofMinutes(5);

	/**
	 * Short enough that a recycle comes within the few seconds a worker serves while the
	 * recorder records, at the traffic below.
	 */
	private static final int MAX_REQUESTS_SET = 300;

	private static final String PATH = "/io-bound?s=0.02";

	private static final int KEPT_ALIVE_CLIENTS = 4;

	private static final int NEW_CONNECTION_CLIENTS = 2;

	private static final Duration GRACEFUL = Duration.ofSeconds(20);

	@RegisterExtension
	final Masters masters = Masters.ofJar(JAR);

	@EachBalancer
	void aroundAndAfterTheRecordingReloadsScalingRecyclesAndFaultsLoseNoRequestAndLaterWorkersStartWithTheCache(
			Balancer balancer, @TempDir Path config) throws Exception {
		long began = System.nanoTime();
		assumeJava25();
		Path file = config.resolve("application.yml");
		// Read again on each HUP: what each phase needs, in turn.
		Files.writeString(file, "concurrency.multi-jvm.max-requests: 0\n");
		MasterProcess master = this.masters.start(balancer, 2, "--concurrency.multi-jvm.aot-cache=auto",
				"--spring.config.additional-location=file:" + config + "/");
		ProcessOutput lines = master.lines();
		Path tmpdir = privateTemporaryDirectory(master);
		master.awaitReady(2);
		KeptAliveClients keptAlive = KeptAliveClients.start(master.port(), PATH, KEPT_ALIVE_CLIENTS,
				Duration.ofMinutes(7));
		// Under shared-socket a kept-alive connection stays with its worker until it
		// drains: a connection per request reaches every worker, the recorder included.
		Traffic fresh = Traffic.start(master.port(), PATH, NEW_CONNECTION_CLIENTS, Traffic.Connections.NEW,
				Duration.ofMinutes(7));
		keptAlive.awaitOk(20, Duration.ofSeconds(60));

		// a) Right after the extraction, while the worker launched before it is replaced
		// by the recorder: HUP (which turns max-requests on), TTIN, TTOU, each once the
		// one before is in force (a reload sets the count back to the configured one).
		Matcher extracted = EXTRACTED.matcher(lines.await(EXTRACTED, 1, STEP).text());
		assertThat(extracted.find()).isTrue();
		assertThat(Path.of(extracted.group(1))).as("the cache, under the master's own java.io.tmpdir")
			.startsWithRaw(tmpdir);
		long first = pid(lines.await(LAUNCHED_BEFORE, 1, STEP), LAUNCHED_BEFORE);
		Files.writeString(file, "concurrency.multi-jvm.max-requests: " + MAX_REQUESTS_SET + "\n");
		master.signal("HUP");
		lines.await(RELOADED, STEP);
		master.signal("TTIN");
		lines.await("Received SIGTTIN: 3 worker(s)", STEP);
		master.signal("TTOU");
		ProcessOutput.Line scaledDown = lines.await("Received SIGTTOU: 2 worker(s)", STEP);
		ProcessOutput.Line recorderReady = lines.await(RECORDER, 1, STEP);
		long recorder = pid(recorderReady, RECORDER);
		assertThat(recorderReady.nanos())
			.as("the recorder was ready before worker pid %d, launched before the extraction, stopped taking requests",
					first)
			.isLessThan(Handover.stopsTakingRequests(lines, balancer, first));
		assertThat(scaledDown.nanos()).as("the signals came while the recorder's predecessor still served")
			.isLessThan(awaitEnded(lines, first).nanos());

		// b) max-requests recycles while the recorder records, and once the cache is
		// ready.
		ProcessOutput.Line cacheReady = lines.await("AOT cache: ready (", CREATION);
		assertThat(lines.lines())
			.filteredOn((line) -> line.nanos() > recorderReady.nanos() && line.nanos() < cacheReady.nanos())
			.as("max-requests recycles between the recorder's ready line and the cache's")
			.anySatisfy((line) -> assertThat(line.text()).containsPattern(MAX_REQUESTS));
		long cacheInUse = cacheReady.nanos() + Duration.ofSeconds(1).toNanos();
		ProcessOutput.Line recycled = awaitAfter(lines, MAX_REQUESTS, cacheInUse, STEP);
		long recycledSuccessor = pid(awaitAfter(lines, STARTED, recycled.nanos(), STEP), STARTED);
		assertThat(awaitReady(lines, recycledSuccessor).text()).endsWith("AOT cache: used");

		// d) A HUP once the cache is ready (max-requests off again, a short heartbeat
		// timeout for the hung worker below): the new generation starts with it.
		Files.writeString(file, "concurrency.multi-jvm.timeout: 6s\n");
		master.signal("HUP");
		ProcessOutput.Line reloaded = lines.await(RELOADED, 2, STEP);
		for (long old : startedBefore(lines, reloaded.nanos())) {
			awaitEnded(lines, old);
		}
		List<Long> generation = master.livePids();
		assertThat(generation).as("the workers of the reload").hasSize(2);
		for (long pid : generation) {
			assertThat(started(lines, pid).nanos()).isGreaterThan(reloaded.nanos());
			assertThat(awaitReady(lines, pid).text()).endsWith("AOT cache: used");
		}
		keptAlive.awaitOk(keptAlive.ok() + 50, Duration.ofSeconds(60));
		long faultsBegan = System.nanoTime();

		// c) A worker killed, then one stopped (hung): each replacement starts with the
		// cache.
		List<long[]> faults = new ArrayList<>();
		long killed = generation.get(0);
		long killedAt = System.nanoTime();
		MasterProcess.signal("KILL", killed);
		ProcessOutput.Line died = lines
			.await(Pattern.compile("\\(pid " + killed + ", [^)]*\\) died with status 137: replacing it"), 1, STEP);
		faults.add(new long[] { killedAt, died.nanos() });
		long crashReplacement = pid(awaitAfter(lines, STARTED, died.nanos(), STEP), STARTED);
		assertThat(awaitReady(lines, crashReplacement).text()).endsWith("AOT cache: used");
		long hung = generation.get(1);
		long stoppedAt = System.nanoTime();
		MasterProcess.signal("STOP", hung);
		ProcessOutput.Line silent = lines.await(Pattern.compile("\\(pid " + hung
				+ ", [^)]*\\) sent no heartbeat for \\d+ ms \\(timeout 6s\\): dumping its threads, then killing it"), 1,
				STEP);
		faults.add(new long[] { stoppedAt, awaitEnded(lines, hung).nanos() });
		long hungReplacement = pid(awaitAfter(lines, STARTED, silent.nanos(), STEP), STARTED);
		assertThat(awaitReady(lines, hungReplacement).text()).endsWith("AOT cache: used");
		keptAlive.awaitOk(keptAlive.ok() + 50, Duration.ofSeconds(60));
		fresh.awaitOk(fresh.ok() + 20, Duration.ofSeconds(60));

		List<Traffic.Exchange> keptAliveExchanges = keptAlive.stop();
		List<Traffic.Exchange> freshExchanges = fresh.stop();
		assertFailedOnlyWithTheFaults(balancer, "kept-alive", keptAliveExchanges, faults, KEPT_ALIVE_CLIENTS);
		assertFailedOnlyWithTheFaults(balancer, "a connection per request", freshExchanges, faults,
				NEW_CONNECTION_CLIENTS);
		// The recorder took over from the worker launched before the extraction
		// surge-first, HUP, TTIN and TTOU notwithstanding (told from the requests on a
		// connection of their own: a kept-alive one stays with a draining worker).
		Handover.assertSurgeFirst(master, balancer,
				freshExchanges.stream().filter((exchange) -> exchange.done() < faultsBegan).toList(), first, recorder);
		assertEveryWorkerLaunchedOnceTheCacheIsReadyUsesIt(lines, cacheInUse, 5);
		assertThat(master.output()).doesNotContain("AOT cache: off")
			.doesNotContain("AOT cache refused")
			.doesNotContain("AOT cache: not opened")
			.doesNotContain("reload abandoned")
			.doesNotContain("before it was ready")
			.doesNotContain("did not stop within the graceful timeout");
		master.signal("TERM");
		assertThat(master.awaitExit(Duration.ofSeconds(90))).isZero();
		System.out.println("MultiJvmAotCacheGuaranteesIT[" + balancer + "]: HUP/TTIN/TTOU during the recording, "
				+ "recycles, HUP, crash and hang with the cache: " + keptAliveExchanges.size() + " kept-alive and "
				+ freshExchanges.size() + " new-connection requests, "
				+ keptAliveExchanges.stream().filter((exchange) -> !exchange.ok()).count() + " and "
				+ freshExchanges.stream().filter((exchange) -> !exchange.ok()).count()
				+ " failed with the killed and the hung worker, in " + seconds(began) + " s");
	}

	@EachBalancer
	void sigtermWhileAWorkerRecordsStopsEverythingWithinTheTimeoutAnswersTheRequestsInFlightAndLeavesNoProcess(
			Balancer balancer) throws Exception {
		long began = System.nanoTime();
		assumeJava25();
		MasterProcess master = this.masters.start(balancer, 1, "--concurrency.multi-jvm.aot-cache=auto",
				"--concurrency.multi-jvm.graceful-timeout=" + GRACEFUL.toSeconds() + "s");
		ProcessOutput lines = master.lines();
		Path tmpdir = privateTemporaryDirectory(master);
		master.awaitReady(1);
		long first = master.readyPids().get(0);
		// Requests of 3 s: some are always in flight.
		KeptAliveClients clients = KeptAliveClients.start(master.port(), "/io-bound?s=3", 8, Duration.ofMinutes(4));
		long recorder = pid(lines.await(RECORDER, 1, STEP), RECORDER);
		// From now on the recorder serves every request.
		awaitEnded(lines, first);
		clients.awaitOk(clients.ok() + 8, Duration.ofSeconds(60));
		// The clients go in step: told from the worker, not from when they sent.
		long inTheWorker = awaitInFlight(master.port(), 8);
		List<ProcessHandle> processes = master.process().descendants().toList();
		assertThat(processes).extracting(ProcessHandle::pid).contains(recorder);
		assertThat(master.output()).as("the recorder still records").doesNotContain("AOT cache: ready (");
		assertThat(processesUnder(tmpdir)).as("processes that run from the master's temporary directory")
			.contains(recorder);
		long termAt = System.nanoTime();
		master.signal("TERM");
		// No request after TERM: they would be refused, as they should, at full speed.
		List<Traffic.Exchange> exchanges = clients.stop();
		assertThat(master.awaitExit(GRACEFUL.plus(Shutdown.KILL_GRACE).plusSeconds(30))).isZero();
		Duration stoppedIn = Duration.ofNanos(System.nanoTime() - termAt);
		// The recorder writes its recording as its JVM exits, after its requests: on a
		// loaded host that can outlast the graceful timeout, and a stopping master
		// drops the recording, so it gives the recorder no more time (the KILL below).
		assertThat(stoppedIn).as("everything stopped within the graceful timeout and the KILL's grace")
			.isLessThan(GRACEFUL.plus(Shutdown.KILL_GRACE));
		List<Traffic.Exchange> beforeTerm = exchanges.stream()
			.filter((exchange) -> exchange.sent() < inTheWorker)
			.toList();
		assertThat(beforeTerm).allSatisfy((exchange) -> assertThat(exchange.ok()).as("%s", exchange).isTrue());
		assertThat(beforeTerm).as("requests in flight in the recorder at TERM")
			.filteredOn((exchange) -> exchange.done() > termAt)
			.isNotEmpty()
			.allSatisfy((exchange) -> assertThat(exchange.pid()).isEqualTo(recorder));
		assertThat(master.output()).contains("Received SIGTERM: stopping gracefully")
			.containsPattern("worker \\d+ \\(pid " + recorder + ", [^)]*\\) stopped with status")
			.contains("[master] Master stopped")
			.doesNotContain("did not exit after SIGKILL")
			.doesNotContain("AOT cache: off");
		assertThat(master.output().lines().filter((line) -> line.contains("killing it")))
			.as("killed at the graceful timeout: the recorder only, writing its recording")
			.allSatisfy((line) -> assertThat(line).contains("(pid " + recorder + ", "));
		assertThat(processes).as("the master's processes at TERM").noneMatch(ProcessHandle::isAlive);
		assertThat(processesUnder(tmpdir)).as("processes that run from the master's temporary directory").isEmpty();
		System.out.println("MultiJvmAotCacheGuaranteesIT[" + balancer + "]: TERM while recording, stopped in "
				+ stoppedIn.toMillis() + " ms, " + exchanges.size() + " requests, in " + seconds(began) + " s");
	}

	/**
	 * Wait until the worker has a number of requests in flight, as it says: each probe on
	 * a connection of its own, which it counts too.
	 * @return when the probe that saw them was sent: every request sent before had
	 * reached the worker by then, or was answered
	 */
	private static long awaitInFlight(int port, int requests) {
		long[] sent = new long[1];
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
			sent[0] = System.nanoTime();
			Matcher inFlight = IN_FLIGHT.matcher(Http.getOnNewConnection(port, "/actuator/concurrency"));
			return inFlight.find() && Integer.parseInt(inFlight.group(1)) > requests;
		});
		return sent[0];
	}

	private static void assumeJava25() {
		assumeThat(Runtime.version().feature()).as("an AOT cache recorded as the JVM exits needs Java 25")
			.isGreaterThanOrEqualTo(25);
		assertThat(JAR).as("the repackaged jar, built by the package phase").isRegularFile();
	}

	/**
	 * Under {@code proxy}, no failed request: it sends a GET that a dead worker held to
	 * another. Under {@code shared-socket}, only requests that failed while a worker was
	 * killed or hung and before the master reaped it, at most one per client each time:
	 * those on its connections (see the guarantees in docs/multi-jvm.md).
	 */
	private static void assertFailedOnlyWithTheFaults(Balancer balancer, String what, List<Traffic.Exchange> exchanges,
			List<long[]> faults, int clients) {
		assertThat(exchanges).as(what).isNotEmpty();
		List<Traffic.Exchange> failed = exchanges.stream().filter((exchange) -> !exchange.ok()).toList();
		if (balancer == Balancer.PROXY) {
			assertThat(failed)
				.as("%s requests failed of %d (%s); the first: %s", failed.size(), exchanges.size(), what,
						failed.stream().limit(20).toList())
				.isEmpty();
			return;
		}
		long margin = Duration.ofSeconds(2).toNanos();
		for (long[] fault : faults) {
			assertThat(failed)
				.filteredOn((exchange) -> exchange.done() >= fault[0] && exchange.done() <= fault[1] + margin)
				.as("requests (%s) failed with one fault", what)
				.hasSizeLessThanOrEqualTo(clients);
		}
		assertThat(failed)
			.filteredOn((exchange) -> faults.stream()
				.noneMatch((fault) -> exchange.done() >= fault[0] && exchange.done() <= fault[1] + margin))
			.as("requests (%s) that failed with no worker killed or hung", what)
			.isEmpty();
	}

	private static void assertEveryWorkerLaunchedOnceTheCacheIsReadyUsesIt(ProcessOutput lines, long since,
			int atLeast) {
		List<Long> launched = new ArrayList<>();
		for (ProcessOutput.Line line : lines.lines()) {
			Matcher started = STARTED.matcher(line.text());
			if (line.nanos() > since && started.find()) {
				launched.add(Long.parseLong(started.group(1)));
			}
		}
		assertThat(launched).as("workers launched once the cache was ready").hasSizeGreaterThanOrEqualTo(atLeast);
		for (long pid : launched) {
			readyLine(lines, pid)
				.ifPresent((ready) -> assertThat(ready.text()).as("worker pid %d", pid).endsWith("AOT cache: used"));
		}
	}

	/**
	 * The master's {@code java.io.tmpdir}, which the test gives it ({@link Masters}) and
	 * its workers and helper JVMs inherit.
	 */
	private static Path privateTemporaryDirectory(MasterProcess master) throws IOException {
		master.port();
		return MasterProcess.commandLine(master.process().pid())
			.stream()
			.filter((argument) -> argument.startsWith("-Djava.io.tmpdir="))
			.map((argument) -> Path.of(argument.substring("-Djava.io.tmpdir=".length())))
			.findFirst()
			.orElseThrow(() -> new AssertionError("the master has no java.io.tmpdir of its own"));
	}

	/**
	 * Processes whose command line names the directory: workers and helper JVMs run from
	 * argument files and jars there.
	 */
	private static List<Long> processesUnder(Path directory) throws IOException {
		List<Long> found = new ArrayList<>();
		try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
			for (Path process : proc) {
				try {
					String cmdline = Files.readString(process.resolve("cmdline"), StandardCharsets.UTF_8);
					long pid = Long.parseLong(process.getFileName().toString());
					if (cmdline.contains(directory.toString()) && MasterProcess.running(pid)) {
						found.add(pid);
					}
				}
				catch (IOException ex) {
					// Gone meanwhile, or not ours to read.
				}
			}
		}
		return found;
	}

	/**
	 * The workers launched before a time that had not ended by then.
	 */
	private static List<Long> startedBefore(ProcessOutput lines, long nanos) {
		List<Long> started = new ArrayList<>();
		List<Long> ended = new ArrayList<>();
		for (ProcessOutput.Line line : lines.lines()) {
			if (line.nanos() <= nanos) {
				Matcher start = STARTED.matcher(line.text());
				Matcher end = ENDED.matcher(line.text());
				if (start.find()) {
					started.add(Long.parseLong(start.group(1)));
				}
				else if (end.find()) {
					ended.add(Long.parseLong(end.group(1)));
				}
			}
		}
		started.removeAll(ended);
		return started;
	}

	private static ProcessOutput.Line started(ProcessOutput lines, long pid) {
		return lines.await(Pattern.compile("\\[master\\] Started worker \\d+ \\(pid " + pid + "[,)]"), 1,
				Duration.ofSeconds(10));
	}

	private static ProcessOutput.Line awaitReady(ProcessOutput lines, long pid) {
		return lines.await(Pattern.compile("\\[master\\] worker \\d+ \\(pid " + pid + ", port \\d+, ready\\) is ready"),
				1, MasterProcess.BOOT_TIMEOUT);
	}

	private static Optional<ProcessOutput.Line> readyLine(ProcessOutput lines, long pid) {
		return lines.lines().stream().filter((line) -> {
			Matcher ready = READY.matcher(line.text());
			return ready.find() && Long.parseLong(ready.group(1)) == pid;
		}).findFirst();
	}

	private static ProcessOutput.Line awaitEnded(ProcessOutput lines, long pid) {
		return lines.await(Pattern.compile(
				"worker \\d+ \\(pid " + pid + ", [^)]*\\) (stopped with status|died with status|exited with status)"),
				1, STEP);
	}

	/**
	 * Wait for a line that matches and came after a time.
	 */
	private static ProcessOutput.Line awaitAfter(ProcessOutput lines, Pattern pattern, long nanos, Duration timeout) {
		int earlier = (int) lines.lines()
			.stream()
			.filter((line) -> line.nanos() <= nanos && pattern.matcher(line.text()).find())
			.count();
		return lines.await(pattern, earlier + 1, timeout);
	}

	private static long pid(ProcessOutput.Line line, Pattern pattern) {
		Matcher matcher = pattern.matcher(line.text());
		assertThat(matcher.find()).as(line.text()).isTrue();
		return Long.parseLong(matcher.group(1));
	}

	private static long seconds(long since) {
		return Duration.ofNanos(System.nanoTime() - since).toSeconds();
	}

}
