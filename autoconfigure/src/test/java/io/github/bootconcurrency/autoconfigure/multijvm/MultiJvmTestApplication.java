package io.github.bootconcurrency.autoconfigure.multijvm;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The smallest application a multi-jvm master can run: one route that says which worker
 * process and which server answered, one that says what the server made of the request,
 * one that deadlocks two of its threads, one that starts a child with its standard input,
 * one that ignores the interrupt of the request deadline, one that holds a request until
 * the test lets it go and one that lists the requests it held, one that says which
 * arguments the worker was given, one that starts a child JVM of this same application
 * and returns what the child says it is, a greeting and a large response; and, only with
 * {@code --test.retain-heap}, one that leaks. No Redis: the test class path has the Redis
 * starter, and there is no Redis to check here.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@Import({ MultiJvmTestApplication.WhereController.class, MultiJvmTestApplication.RetainingController.class })
public class MultiJvmTestApplication {

	/**
	 * Every forwarding header that a server, Spring Framework or a library may read,
	 * written out here rather than taken from {@link Forwarding#HEADERS}: a name dropped
	 * from the main code's list must still show up in what {@code /request} reports.
	 */
	public static final List<String> FORWARDING_HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Proto",
			"X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Server", "X-Forwarded-Prefix", "X-Forwarded-Ssl",
			"X-Forwarded-Protocol", "X-Forwarded-Scheme", "X-Url-Scheme", "X-Proxied-Https", "Front-End-Https",
			"X-Real-IP", "X-Client-IP", "True-Client-IP", "Proxy-Ssl-Id", "Proxy-Auth-Cert");

	public static void main(String[] args) {
		SpringApplication.run(MultiJvmTestApplication.class, args);
	}

	/**
	 * In a JVM started with {@code --report-identity=true}: print whether it takes itself
	 * for a multi-jvm worker and whether it knows a worker's token.
	 */
	@Bean
	@ConditionalOnBooleanProperty("report-identity")
	ApplicationRunner reportIdentity() {
		return (arguments) -> System.out
			.println("identity: worker=" + WorkerEnvironment.current().isPresent() + ", token-in-environment="
					+ (System.getenv(WorkerEnvironment.TOKEN) != null) + ", token-in-properties="
					+ (System.getProperty(WorkerEnvironment.TOKEN) != null) + ", watching-a-master="
					+ Thread.getAllStackTraces()
						.keySet()
						.stream()
						.anyMatch((thread) -> thread.getName().equals("multi-jvm-master-watch")));
	}

	/**
	 * A route that leaks: each request keeps a megabyte for good, as a leaking
	 * application would, up to a cap far under the heap the test gives the worker, so
	 * that a slow replacement fails the test's assertions rather than the worker.
	 */
	@RestController
	@ConditionalOnWebApplication
	@ConditionalOnBooleanProperty("test.retain-heap")
	static class RetainingController {

		private static final int MAX_RETAINED = 160;

		private static final List<byte[]> retained = new ArrayList<>();

		@GetMapping("/retain")
		synchronized Map<String, Object> retain() {
			if (retained.size() < MAX_RETAINED) {
				retained.add(new byte[1024 * 1024]);
			}
			// A full collection, so that the heap after collection counts the new
			// megabyte now, not once the old generation fills up.
			System.gc();
			return Map.of("pid", ProcessHandle.current().pid(), "retainedMegabytes", retained.size());
		}

	}

	@RestController
	@ConditionalOnWebApplication
	static class WhereController {

		/**
		 * Longest {@code /hold} keeps a request that no one releases.
		 */
		private static final Duration MAX_HOLD = Duration.ofMinutes(2);

		private static final Set<String> released = new HashSet<>();

		private static final List<String> calls = new CopyOnWriteArrayList<>();

		private static final Set<String> held = ConcurrentHashMap.newKeySet();

		private final WebServerApplicationContext context;

		private final ApplicationArguments arguments;

		WhereController(WebServerApplicationContext context, ApplicationArguments arguments) {
			this.context = context;
			this.arguments = arguments;
		}

		/**
		 * What this JVM was given, without the secrets' values: the non-option arguments,
		 * a marker argument, and the length of two secrets, one an application argument
		 * and one a JVM option.
		 */
		@GetMapping("/arguments")
		Map<String, Object> arguments() {
			return Map.of("nonOptionArgs", this.arguments.getNonOptionArgs(), "marker",
					this.context.getEnvironment().getProperty("app.marker", ""), "argumentSecretLength",
					this.context.getEnvironment().getProperty("spring.data.redis.password", "").length(),
					"jvmSecretLength", System.getProperty("spring.data.redis.sentinel.password", "").length());
		}

		/**
		 * Start a child process that inherits this JVM's standard input, as an
		 * application may start a helper, and return its pid; it runs until killed (5
		 * minutes at most).
		 */
		@GetMapping("/child-with-stdin")
		long childWithStandardInput() throws IOException {
			return new ProcessBuilder("sleep", "300").redirectInput(ProcessBuilder.Redirect.INHERIT)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.start()
				.pid();
		}

		/**
		 * Start a JVM of this same application, as an application may start a child
		 * process, and return what it printed.
		 */
		@GetMapping("/child")
		String child() throws Exception {
			Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx128m",
					"-cp", System.getProperty("java.class.path"), MultiJvmTestApplication.class.getName(),
					"--spring.main.web-application-type=none", "--report-identity=true")
				.redirectErrorStream(true)
				.start();
			CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
				try {
					return child.getInputStream().readAllBytes();
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
			if (!child.waitFor(60, TimeUnit.SECONDS)) {
				child.destroyForcibly();
				return "child did not exit within 60 s";
			}
			return new String(output.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
		}

		/**
		 * Deadlock two threads of this JVM, as a bug in the application would.
		 */
		@GetMapping("/deadlock")
		String deadlock() {
			Object first = new Object();
			Object second = new Object();
			CountDownLatch bothHold = new CountDownLatch(2);
			Thread.ofPlatform().daemon().name("deadlocked-1").start(() -> lockBoth(first, second, bothHold));
			Thread.ofPlatform().daemon().name("deadlocked-2").start(() -> lockBoth(second, first, bothHold));
			return "deadlocked";
		}

		private static void lockBoth(Object mine, Object theirs, CountDownLatch bothHold) {
			synchronized (mine) {
				bothHold.countDown();
				try {
					bothHold.await();
				}
				catch (InterruptedException ex) {
					return;
				}
				synchronized (theirs) {
					bothHold.countDown();
				}
			}
		}

		/**
		 * Say what the server made of the request: the client, scheme and host it sees,
		 * and every forwarding header that reached the application, by name, its values
		 * joined as one line, so that a test can compare the whole set with the one it
		 * expects.
		 */
		@GetMapping("/request")
		Map<String, Object> request(HttpServletRequest request) {
			Map<String, Object> seen = new LinkedHashMap<>();
			seen.put("remoteAddr", request.getRemoteAddr());
			seen.put("secure", request.isSecure());
			seen.put("scheme", request.getScheme());
			seen.put("serverName", request.getServerName());
			seen.put("serverPort", request.getServerPort());
			Map<String, String> forwarding = new TreeMap<>();
			for (String name : FORWARDING_HEADERS) {
				List<String> values = Collections.list(request.getHeaders(name));
				if (!values.isEmpty()) {
					forwarding.put(name, String.join(", ", values));
				}
			}
			seen.put("forwarding", forwarding);
			seen.put("headerNames",
					Collections.list(request.getHeaderNames())
						.stream()
						.map((name) -> name.toLowerCase(Locale.ROOT))
						.sorted()
						.toList());
			return seen;
		}

		/**
		 * The secret with which this worker's master sets forwarding headers, so that a
		 * test can look for it where it must not be (command lines, logs) and play the
		 * master. Only a test application says it.
		 */
		@GetMapping("/forwarding-secret")
		Map<String, Object> forwardingSecret() {
			return Map.of("secret", System.getProperty("CONCURRENCY_WORKER_FORWARDING_SECRET", ""));
		}

		/**
		 * Run for a number of seconds whatever interrupts it, as a busy loop would, but
		 * without keeping a core busy.
		 */
		@RequestMapping("/ignore-interrupt")
		String ignoreInterrupt(@RequestParam int s) {
			long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(s);
			for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
				try {
					Thread.sleep(Duration.ofNanos(Math.min(left, 50_000_000)));
				}
				catch (InterruptedException ex) {
					// Ignored, as a loop that never checks for it would.
				}
			}
			return "done";
		}

		/**
		 * Take a request of any method and keep it until {@code /release} lets its tag go
		 * (at most {@link #MAX_HOLD}), saying on the worker's output that it holds it: a
		 * test then knows which worker has a request in flight, and can have that worker
		 * killed under it.
		 */
		@RequestMapping("/hold")
		Map<String, Object> hold(@RequestParam String tag, HttpServletRequest request) throws InterruptedException {
			String call = request.getMethod() + " " + tag;
			calls.add(call);
			held.add(call);
			System.out.println("holding " + call);
			try {
				long deadline = System.nanoTime() + MAX_HOLD.toNanos();
				synchronized (released) {
					long left = MAX_HOLD.toNanos();
					while (!released.contains(tag) && left > 0) {
						released.wait(Math.max(1, left / 1_000_000));
						left = deadline - System.nanoTime();
					}
				}
			}
			finally {
				held.remove(call);
			}
			return Map.of("pid", ProcessHandle.current().pid(), "tag", tag);
		}

		/**
		 * Let every request of a tag go, now and from now on: a request this worker takes
		 * later with that tag is answered at once.
		 */
		@GetMapping("/release")
		Map<String, Object> release(@RequestParam String tag) {
			synchronized (released) {
				released.add(tag);
				released.notifyAll();
			}
			return Map.of("pid", ProcessHandle.current().pid(), "released", tag);
		}

		/**
		 * Every request {@code /hold} took in this worker ({@code METHOD tag}), and those
		 * it holds now, so that a test can tell whether a request ran here, and how
		 * often.
		 */
		@GetMapping("/calls")
		Map<String, Object> calls() {
			return Map.of("pid", ProcessHandle.current().pid(), "calls", List.copyOf(calls), "held", List.copyOf(held));
		}

		/**
		 * Print one line of a number of megabytes, as an application that logs a whole
		 * payload would, then a short one.
		 */
		@GetMapping("/print-huge-line")
		String printHugeLine(@RequestParam int megabytes) {
			System.out.println("huge line start " + "x".repeat(megabytes * 1024 * 1024));
			System.out.println("after the huge line");
			return "printed";
		}

		@GetMapping("/hello")
		String hello() {
			return "hello";
		}

		/**
		 * Stream a response of a number of megabytes, without holding it in the heap.
		 */
		@GetMapping("/megabytes")
		void megabytes(@RequestParam int count, HttpServletResponse response) throws IOException {
			byte[] chunk = new byte[1024 * 1024];
			response.setContentType("application/octet-stream");
			response.setContentLengthLong((long) count * chunk.length);
			try (OutputStream out = response.getOutputStream()) {
				for (int i = 0; i < count; i++) {
					out.write(chunk);
				}
			}
		}

		@GetMapping("/where")
		Map<String, Object> where() {
			return Map.of("pid", ProcessHandle.current().pid(), "server",
					this.context.getWebServer().getClass().getSimpleName(), "thread", Thread.currentThread().getName());
		}

	}

}
