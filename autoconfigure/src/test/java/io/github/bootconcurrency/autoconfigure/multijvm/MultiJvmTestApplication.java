package io.github.bootconcurrency.autoconfigure.multijvm;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The smallest application a multi-jvm master can run: one route that says which worker
 * process and which server answered, one that deadlocks two of its threads, a greeting
 * and a large response. No Redis: the test class path has the Redis starter, and there is
 * no Redis to check here.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@Import(MultiJvmTestApplication.WhereController.class)
public class MultiJvmTestApplication {

	public static void main(String[] args) {
		SpringApplication.run(MultiJvmTestApplication.class, args);
	}

	@RestController
	static class WhereController {

		private final WebServerApplicationContext context;

		WhereController(WebServerApplicationContext context) {
			this.context = context;
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
