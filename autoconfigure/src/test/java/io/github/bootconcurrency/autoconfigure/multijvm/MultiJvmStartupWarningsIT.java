package io.github.bootconcurrency.autoconfigure.multijvm;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warnings of a start reach a real master's output (proxy balancer; the warnings are
 * written before any balancer exists): the master takes over the JVM inside an
 * environment post-processor, before Spring Boot would replay the post-processors'
 * deferred log lines, so they must be replayed before it does.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MultiJvmStartupWarningsIT {

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	@Test
	void keysLeftToTheApplicationAndUnknownVariablesAreWarnedAbout() throws Exception {
		MasterProcess master = this.masters.start(Balancer.PROXY, 1, Map.of("CONCURRENCY_LEVELS", "3"),
				"--concurrency.pool-size=4");
		// Written before the master starts its first worker.
		master.awaitReady(1);
		assertThat(master.output()).contains("are left to the application: concurrency.pool-size")
			.contains("The environment variable CONCURRENCY_LEVELS");
		master.signal("TERM");
		assertThat(master.awaitExit(Duration.ofSeconds(60))).isZero();
	}

}
