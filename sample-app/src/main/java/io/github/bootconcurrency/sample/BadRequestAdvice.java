package io.github.bootconcurrency.sample;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns a bad query parameter into a 400 with the reason, not a 500.
 */
@RestControllerAdvice
class BadRequestAdvice {

	@ExceptionHandler(IllegalArgumentException.class)
	@ResponseStatus(HttpStatus.BAD_REQUEST)
	String badRequest(IllegalArgumentException ex) {
		return ex.getMessage() + "\n";
	}

}
