package io.github.bootconcurrency.sample;

import java.math.BigInteger;
import java.time.Duration;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The routes of the Gunicorn experiment. Each answers how long it took, as the Python
 * original does, and on which kind of thread it ran.
 */
@RestController
class ExperimentController {

	/**
	 * The Python original multiplies 1·2·…·99999 in a loop; so does this, on purpose
	 * naively, so that the figures compare.
	 */
	static final int FACTORIAL_OF = 99_999;

	/**
	 * Longest sleep that {@code /io-bound} accepts, so a typo cannot hold a slot for
	 * hours.
	 */
	static final double MAX_SLEEP_SECONDS = 300;

	@GetMapping("/cpu-bound")
	Timing cpuBound() {
		long start = System.nanoTime();
		BigInteger product = BigInteger.ONE;
		for (int i = 1; i < FACTORIAL_OF + 1; i++) {
			product = product.multiply(BigInteger.valueOf(i));
		}
		return Timing.since(start, "cpu-bound", "bits of 99999!: " + product.bitLength());
	}

	@GetMapping("/io-bound")
	Timing ioBound(@RequestParam(name = "s", defaultValue = "5") double seconds) throws InterruptedException {
		if (!(seconds >= 0 && seconds <= MAX_SLEEP_SECONDS)) {
			throw new IllegalArgumentException("s must be from 0 to " + MAX_SLEEP_SECONDS + " seconds, was " + seconds);
		}
		long start = System.nanoTime();
		Thread.sleep(Duration.ofNanos((long) (seconds * 1_000_000_000L)));
		return Timing.since(start, "io-bound", "slept " + seconds + " s");
	}

	@GetMapping("/hello")
	String hello() {
		return "Hello, World!";
	}

	/**
	 * What the app sees of its client. Behind the multi-jvm proxy that is the real
	 * client, from the X-Forwarded-* headers the master sets, not the master itself.
	 */
	@GetMapping("/client")
	Client client(HttpServletRequest request) {
		return new Client(request.getRemoteAddr(), request.getScheme(), request.getServerName(),
				request.getServerPort());
	}

	/**
	 * A client as the application sees it.
	 *
	 * @param address the client's IP address
	 * @param scheme the scheme the client used
	 * @param host the host the client asked for
	 * @param port the port the client connected to
	 */
	record Client(String address, String scheme, String host, int port) {
	}

	/**
	 * How long a route took.
	 *
	 * @param route the route
	 * @param seconds wall time of the work, in seconds
	 * @param thread the thread that ran it
	 * @param virtualThread whether that thread is virtual
	 * @param pid the process that ran it: under multi-jvm, which worker served
	 * @param detail what was done
	 */
	record Timing(String route, double seconds, String thread, boolean virtualThread, long pid, String detail) {

		static Timing since(long startNanos, String route, String detail) {
			Thread thread = Thread.currentThread();
			String name = thread.getName().isEmpty() ? thread.toString() : thread.getName();
			return new Timing(route, (System.nanoTime() - startNanos) / 1e9, name, thread.isVirtual(),
					ProcessHandle.current().pid(), detail);
		}

	}

}
