package io.github.bootconcurrency.autoconfigure.redis;

import java.util.ArrayList;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.testsupport.RedisServer;
import org.junit.jupiter.api.AfterEach;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests of {@link RedisFailFastAutoConfiguration} share: a runner of Spring
 * Boot's Redis auto-configuration and the check, with short waits between attempts and
 * attempts long enough for a first connection on a loaded machine; the real Redis servers
 * a test starts, stopped after it; and the failure that stops a context from starting,
 * its analysis and its stack traces.
 */
abstract class RedisFailFastHarness {

	private final List<RedisServer> servers = new ArrayList<>();

	final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisFailFastAutoConfiguration.class))
		// A first connection loads Lettuce and starts Netty: at load 10 it took over 2 s,
		// which the check rightly told apart as a timeout and retried. Tests of the
		// timeout itself set their own.
		.withPropertyValues("fail-fast.redis.timeout=15s", "fail-fast.redis.backoff=200ms");

	@AfterEach
	void stopServers() {
		this.servers.forEach(RedisServer::close);
	}

	/**
	 * Stop a server after the test, whatever its outcome.
	 */
	RedisServer track(RedisServer server) {
		this.servers.add(server);
		return server;
	}

	/**
	 * Return the Redis failure that stopped a context from starting.
	 */
	static RedisUnreachableException failure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable cause = context.getStartupFailure();
		while (cause != null && !(cause instanceof RedisUnreachableException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("startup failure caused by RedisUnreachableException: " + context.getStartupFailure())
			.isNotNull();
		return (RedisUnreachableException) cause;
	}

	/**
	 * Return what the failure analyzer says of a failure.
	 */
	static String analysis(RedisUnreachableException failure) {
		FailureAnalysis analysis = new RedisUnreachableFailureAnalyzer().analyze(failure);
		return analysis.getDescription() + "\n" + analysis.getAction();
	}

	/**
	 * Return a failure's stack traces, causes included, as printed.
	 */
	static String stackTraces(Throwable failure) {
		java.io.StringWriter writer = new java.io.StringWriter();
		failure.printStackTrace(new java.io.PrintWriter(writer));
		return writer.toString();
	}

}
