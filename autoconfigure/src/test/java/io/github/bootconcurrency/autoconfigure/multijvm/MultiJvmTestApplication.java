package io.github.bootconcurrency.autoconfigure.multijvm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The smallest application a multi-jvm master can run: one route that says which worker
 * process and which server answered, one that says what the server made of the request,
 * and one that deadlocks two of its threads. No Redis: the test class path has the Redis
 * starter, and there is no Redis to check here.
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

		/**
		 * Say what the server made of the request: the client, scheme and host it sees,
		 * and the forwarding headers that no client may pass to the application.
		 */
		@GetMapping("/request")
		Map<String, Object> request(HttpServletRequest request) {
			Map<String, Object> seen = new LinkedHashMap<>();
			seen.put("remoteAddr", request.getRemoteAddr());
			seen.put("secure", request.isSecure());
			seen.put("scheme", request.getScheme());
			seen.put("serverName", request.getServerName());
			seen.put("serverPort", request.getServerPort());
			List<String> leaked = new ArrayList<>();
			for (String name : List.of("Forwarded", "X-Real-IP", "X-Proxied-Https", "Front-End-Https",
					"X-Forwarded-Ssl", "X-Forwarded-Prefix", "Proxy-Auth-Cert", "Proxy-Ssl-Id")) {
				if (request.getHeader(name) != null) {
					leaked.add(name + ": " + request.getHeader(name));
				}
			}
			seen.put("leaked", leaked);
			return seen;
		}

		@GetMapping("/where")
		Map<String, Object> where() {
			return Map.of("pid", ProcessHandle.current().pid(), "server",
					this.context.getWebServer().getClass().getSimpleName(), "thread", Thread.currentThread().getName());
		}

	}

}
