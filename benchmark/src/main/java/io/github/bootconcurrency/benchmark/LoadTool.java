package io.github.bootconcurrency.benchmark;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import io.github.bootconcurrency.benchmark.cli.Arguments;
import io.github.bootconcurrency.benchmark.load.LoadClient;
import io.github.bootconcurrency.benchmark.load.LoadEngine;
import io.github.bootconcurrency.benchmark.load.LoadResult;
import io.github.bootconcurrency.benchmark.load.ProgressPrinter;
import io.github.bootconcurrency.benchmark.machine.ContextSwitches;
import io.github.bootconcurrency.benchmark.machine.MachineInfo;
import io.github.bootconcurrency.benchmark.machine.Usage;
import io.github.bootconcurrency.benchmark.suite.BenchmarkSuite;

/**
 * The load tool: the client of the Gunicorn experiment, and more. Entry point of
 * {@code benchmark.jar}.
 *
 * <pre>
 * java -jar benchmark.jar at-once     --url=http://127.0.0.1:8080/io-bound?s=1 --n=10000
 * java -jar benchmark.jar closed-loop --url=http://127.0.0.1:8080/hello --connections=64 --duration=10s
 * java -jar benchmark.jar rate        --url=http://127.0.0.1:8080/hello --rate=500 --duration=30s
 * java -jar benchmark.jar suite       [options of {@link BenchmarkSuite}]
 * </pre>
 *
 * Common options: {@code --connect-timeout} (default 30s), {@code --read-timeout}
 * (default 60s), {@code --deadline} (bound on the whole run), {@code --client}
 * ({@code socket}, the default, or {@code jdk}: see {@link LoadClient}) and
 * {@code --watch-pid} (also report the CPU time of that process and its children). The
 * report goes to standard output, progress to standard error. The exit status is 0 when
 * every request got a 2xx, 1 otherwise, 2 on a usage error.
 */
public final class LoadTool {

	static final String USAGE = """
			Usage: java -jar benchmark.jar <mode> [--option=value ...]
			  at-once      --url=URL --n=N                       N requests released together
			  closed-loop  --url=URL --connections=C --duration=D [--max-requests=M] [--warmup=D]
			  rate         --url=URL --rate=R --duration=D [--max-in-flight=F]
			  suite        [see docs/benchmarks.md]               the whole benchmark
			Common: --connect-timeout=30s --read-timeout=60s --deadline=D --quiet (no progress)
			        --client=socket (blocking sockets, the default) or jdk (java.net.http)
			        --watch-pid=PID (also report the CPU time of that process and its children)
			Durations: 500ms, 10s, 2m. Only loopback URLs are accepted unless --allow-remote.""";

	private static final Duration MAX_DURATION = Duration.ofHours(2);

	private LoadTool() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 0 || List.of(args).contains("--help")) {
			System.out.println(USAGE);
			System.exit((args.length == 0) ? 2 : 0);
		}
		if (args[0].equals("suite")) {
			System.exit(BenchmarkSuite.run(List.of(args).subList(1, args.length).toArray(String[]::new)));
		}
		int status;
		try {
			status = run(new Arguments(args));
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.err.println(USAGE);
			status = 2;
		}
		System.exit(status);
	}

	static int run(Arguments arguments) {
		List<String> positional = arguments.positional();
		if (positional.size() != 1) {
			throw new IllegalArgumentException("Give exactly one mode.");
		}
		String mode = positional.get(0);
		URI uri = uri(arguments.string("url"), arguments.flag("allow-remote"));
		Duration connectTimeout = arguments.duration("connect-timeout", Duration.ofSeconds(30), MAX_DURATION);
		Duration readTimeout = arguments.duration("read-timeout", Duration.ofSeconds(60), MAX_DURATION);
		ProgressPrinter progress = arguments.flag("quiet") ? ProgressPrinter.silent() : ProgressPrinter.forConsole();
		LoadClient.Kind client = LoadClient.Kind.of(arguments.string("client", LoadClient.Kind.SOCKET.id()));
		LoadEngine engine = new LoadEngine(connectTimeout, readTimeout, progress, client);
		ProcessHandle watched = watched(arguments.string("watch-pid"));
		Usage.Reading[] before = new Usage.Reading[1];
		ContextSwitches[] switchesBefore = new ContextSwitches[1];
		LoadResult result = switch (mode) {
			case "at-once" -> {
				int n = arguments.integer("n", 1, 1, 100_000);
				MachineInfo.warnIfTooFewFiles(n);
				Duration deadline = arguments.duration("deadline", engine.defaultDeadline(Duration.ZERO), MAX_DURATION);
				arguments.rejectUnknown();
				before[0] = Usage.Reading.of(watched, Double.NaN);
				switchesBefore[0] = switches(watched);
				yield engine.atOnce(uri, n, deadline);
			}
			case "closed-loop" -> {
				int connections = arguments.integer("connections", 64, 1, 100_000);
				Duration duration = arguments.duration("duration", Duration.ofSeconds(10), MAX_DURATION);
				int maxRequests = arguments.integer("max-requests", 10_000_000, 1, 100_000_000);
				Duration warmup = arguments.duration("warmup", Duration.ZERO, MAX_DURATION);
				arguments.rejectUnknown();
				if (!warmup.isZero()) {
					// Untimed, with the same client, so that the measured loop runs on
					// compiled code.
					new LoadEngine(connectTimeout, readTimeout, ProgressPrinter.silent(), client).closedLoop(uri,
							connections, warmup, maxRequests);
				}
				before[0] = Usage.Reading.of(watched, Double.NaN);
				switchesBefore[0] = switches(watched);
				yield engine.closedLoop(uri, connections, duration, maxRequests);
			}
			case "rate" -> {
				double rate = arguments.decimal("rate", 100, 0.1, 100_000);
				Duration duration = arguments.duration("duration", Duration.ofSeconds(10), MAX_DURATION);
				int maxInFlight = arguments.integer("max-in-flight", 10_000, 1, 100_000);
				arguments.rejectUnknown();
				before[0] = Usage.Reading.of(watched, Double.NaN);
				switchesBefore[0] = switches(watched);
				yield engine.constantRate(uri, rate, duration, maxInFlight);
			}
			default -> throw new IllegalArgumentException("Unknown mode '" + mode + "'.");
		};
		Usage usage = before[0].until(Usage.Reading.of(watched, Double.NaN));
		System.out.print(result.format());
		System.out.printf(Locale.ROOT, "%n  client CPU     %.2f s (%s a request)%n", usage.clientCpuSeconds(),
				Usage.microsPerRequest(usage.clientCpuSeconds(), result.requests()));
		if (watched != null) {
			System.out.printf(Locale.ROOT, "  server CPU     %.2f s (pid %d and its children; %s a request)%n",
					usage.serverCpuSeconds(), watched.pid(),
					Usage.microsPerRequest(usage.serverCpuSeconds(), result.requests()));
			ContextSwitches switches = switchesBefore[0].until(switches(watched));
			System.out.printf(Locale.ROOT, "  server switches %d voluntary, %d involuntary (%.2f and %.2f a request)%n",
					switches.voluntary(), switches.involuntary(), perRequest(switches.voluntary(), result.requests()),
					perRequest(switches.involuntary(), result.requests()));
		}
		return (result.failures() == 0) ? 0 : 1;
	}

	private static @Nullable ProcessHandle watched(@Nullable String pid) {
		if (pid == null) {
			return null;
		}
		try {
			return ProcessHandle.of(Long.parseLong(pid))
				.orElseThrow(() -> new IllegalArgumentException("--watch-pid: no process " + pid));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("--watch-pid must be a process id, was '" + pid + "'");
		}
	}

	private static ContextSwitches switches(ProcessHandle watched) {
		return (watched != null) ? ContextSwitches.of(watched) : new ContextSwitches(0, 0);
	}

	private static double perRequest(long count, long requests) {
		return (requests > 0) ? (double) count / requests : Double.NaN;
	}

	/**
	 * The target. Load goes to this machine only, unless asked otherwise: a load tool
	 * pointed at someone else's server by a typo is an attack.
	 */
	static URI uri(@Nullable String url, boolean allowRemote) {
		if (url == null) {
			throw new IllegalArgumentException("--url is required.");
		}
		URI uri = URI.create(url);
		if (!"http".equals(uri.getScheme())) {
			throw new IllegalArgumentException("--url must be an http:// URL, was " + url);
		}
		String host = uri.getHost();
		boolean loopback = "127.0.0.1".equals(host) || "localhost".equals(host) || "[::1]".equals(host);
		if (!loopback && !allowRemote) {
			throw new IllegalArgumentException(
					"--url must point at 127.0.0.1 or localhost (or add --allow-remote), was " + url);
		}
		return uri;
	}

}
