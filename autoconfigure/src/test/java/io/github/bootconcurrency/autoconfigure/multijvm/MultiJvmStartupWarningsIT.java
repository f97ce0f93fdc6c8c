package io.github.bootconcurrency.autoconfigure.multijvm;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup warnings of a real master (proxy balancer; they come before any balancer
 * exists): a single JVM logs them once its logging is set up, which a master never does,
 * so the master prints them itself. Its workers skip those checks, so each is printed
 * once, and again when a reload reads the configuration again.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MultiJvmStartupWarningsIT {

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	@Test
	void aMasterPrintsTheWarningsOfTheStartupChecksOnceAndAgainOnReload() throws Exception {
		MasterProcess master = this.masters.start(Balancer.PROXY, 1, "--concurrency.app.colour=blue",
				"--spring.profiles.active=no-such-profile");
		master.awaitReady(1);
		String output = master.output();
		assertThat(output).as(output)
			.containsOnlyOnce("[master] WARNING: These keys under concurrency.* or fail-fast.* are no settings of "
					+ "the starter and are left to the application: concurrency.app.colour.")
			.containsOnlyOnce("fail-fast.profiles.known")
			.containsPattern("\\[master\\] WARNING: [^\\n]*no-such-profile[^\\n]*fail-fast.profiles.known");
		master.signal("HUP");
		master.lines().await(Pattern.compile("configuration read again"), 1, Duration.ofSeconds(60));
		assertThat(master.lines()
			.await(Pattern.compile("\\[master\\] WARNING: These keys under concurrency"), 2, Duration.ofSeconds(10))
			.text()).contains("concurrency.app.colour");
		master.signal("TERM");
		assertThat(master.awaitExit(Duration.ofSeconds(60))).isZero();
	}

}
