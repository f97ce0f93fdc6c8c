package io.github.bootconcurrency.autoconfigure.actuate;

/**
 * The multi-jvm master did not answer a worker's request: it is gone, silent past the
 * control channel's deadline (stopped or hung), refused the request (it is stopping) or
 * answered what the worker cannot read. Over HTTP, a {@code 503} with the reason.
 */
public class MasterUnavailableException extends RuntimeException {

	MasterUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
