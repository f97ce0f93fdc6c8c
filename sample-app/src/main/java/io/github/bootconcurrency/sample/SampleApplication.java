package io.github.bootconcurrency.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Flask app of the classic Gunicorn experiment, in Spring: one CPU-bound and one
 * IO-bound route. Which model serves them is chosen by the active profile alone.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
