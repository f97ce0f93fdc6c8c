package io.github.bootconcurrency.autoconfigure.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.logging.logback.LogbackLoggingSystem;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SerializedLogbackLoggingSystem}: Spring applications that set Logback
 * up on several threads at once, as the test JVMs start them.
 */
@Isolated
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SerializedLogbackLoggingSystemTests {

	private static final int THREADS = 4;

	private static final int ROUNDS = 150;

	@Test
	void applicationsSettingLogbackUpTogetherEachSucceed() throws Exception {
		assertThat(setUpTogether(SerializedLogbackLoggingSystem::new)).isEmpty();
	}

	@Test
	void theTestJvmsUseIt() {
		assertThat(LoggingSystem.get(getClass().getClassLoader())).isInstanceOf(SerializedLogbackLoggingSystem.class);
	}

	static List<Throwable> setUpTogether(Function<ClassLoader, LogbackLoggingSystem> systems) throws Exception {
		List<Throwable> failures = new ArrayList<>();
		ExecutorService threads = Executors.newFixedThreadPool(THREADS);
		try {
			for (int round = 0; round < ROUNDS && failures.isEmpty(); round++) {
				CyclicBarrier start = new CyclicBarrier(THREADS);
				List<CompletableFuture<Void>> setUps = new ArrayList<>();
				for (int i = 0; i < THREADS; i++) {
					setUps.add(CompletableFuture.runAsync(() -> {
						LogbackLoggingSystem system = systems
							.apply(SerializedLogbackLoggingSystemTests.class.getClassLoader());
						MockEnvironment environment = new MockEnvironment();
						try {
							start.await(10, TimeUnit.SECONDS);
						}
						catch (Exception ex) {
							throw new IllegalStateException(ex);
						}
						system.beforeInitialize();
						system.initialize(new LoggingInitializationContext(environment), null, null);
					}, threads));
				}
				for (CompletableFuture<Void> setUp : setUps) {
					try {
						setUp.get(30, TimeUnit.SECONDS);
					}
					catch (java.util.concurrent.ExecutionException ex) {
						failures.add(ex.getCause());
					}
				}
			}
		}
		finally {
			threads.shutdownNow();
		}
		return failures;
	}

}
