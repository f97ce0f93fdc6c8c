package io.github.bootconcurrency.sample;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A route that uses Redis, as the Flask original's visit counter does. Without a profile
 * the app has no Redis at all (so that it runs on a machine with nothing but a JDK), and
 * this route says so rather than failing.
 */
@RestController
class VisitsController {

	private final ObjectProvider<StringRedisTemplate> redis;

	VisitsController(ObjectProvider<StringRedisTemplate> redis) {
		this.redis = redis;
	}

	@GetMapping("/visits")
	ResponseEntity<String> visits() {
		StringRedisTemplate template = this.redis.getIfAvailable();
		if (template == null) {
			return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
				.body("No Redis in this profile: start the app with --spring.profiles.active=dev (Redis at 127.0.0.1:6379).\n");
		}
		return ResponseEntity.ok("{\"visits\":" + template.opsForValue().increment("visits") + "}");
	}

	/**
	 * Redis went away after startup: this route answers 503 until it is back, while every
	 * route that does not need Redis keeps serving.
	 */
	@ExceptionHandler(DataAccessException.class)
	ResponseEntity<String> redisUnavailable(DataAccessException ex) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.body("Redis is unavailable: " + ex.getMessage() + "\n");
	}

}
