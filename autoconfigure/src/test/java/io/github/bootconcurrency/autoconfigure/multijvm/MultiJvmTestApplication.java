package io.github.bootconcurrency.autoconfigure.multijvm;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The smallest application a multi-jvm master can run: one route that says which worker
 * process and which server answered. No Redis: the test class path has the Redis starter,
 * and there is no Redis to check here.
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

		@GetMapping("/where")
		Map<String, Object> where() {
			return Map.of("pid", ProcessHandle.current().pid(), "server",
					this.context.getWebServer().getClass().getSimpleName(), "thread", Thread.currentThread().getName());
		}

	}

}
