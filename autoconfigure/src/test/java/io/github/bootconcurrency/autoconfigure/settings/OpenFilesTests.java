package io.github.bootconcurrency.autoconfigure.settings;

import io.github.bootconcurrency.autoconfigure.testsupport.ProcLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The platform model's default connection limit, from the open-file limit.
 */
class OpenFilesTests {

	@Test
	void theDefaultKeepsAnEighthOfTheOpenFileLimitForTheApplication() {
		assertThat(OpenFiles.platformMaxConnections(20_000, 200, 1_000_000)).isEqualTo(17_500);
		assertThat(OpenFiles.platformMaxConnections(1_048_576, 200, 1_000_000)).isEqualTo(917_504);
	}

	@Test
	void aSmallLimitStillKeepsTwoHundredAndFiftySixFilesButNeverGoesBelowThePool() {
		assertThat(OpenFiles.platformMaxConnections(1024, 200, 1_000_000)).isEqualTo(768);
		assertThat(OpenFiles.platformMaxConnections(300, 200, 1_000_000)).isEqualTo(200);
	}

	@Test
	void aHugeLimitIsCappedAtTheLargestAllowedValue() {
		assertThat(OpenFiles.platformMaxConnections(Long.MAX_VALUE / 2, 200, 1_000_000)).isEqualTo(1_000_000);
	}

	@Test
	void anUnknownLimitFallsBackToTomcatsDefault() {
		assertThat(OpenFiles.platformMaxConnections(-1, 200, 1_000_000)).isEqualTo(8192);
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void thisProcessesLimitIsTheSoftLimitTheKernelEnforces() {
		// Read apart from the JVM's bean: a limit the sockets do not really have would
		// size the default connection limit wrong.
		assertThat(OpenFiles.limit()).isEqualTo(ProcLimits.openFilesSoftLimit());
	}

}
