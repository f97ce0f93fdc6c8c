package io.github.bootconcurrency.autoconfigure.multijvm.protocol;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for the check of a worker's control protocol against its master's, and for
 * {@link ControlProtocolMismatchFailureAnalyzer}.
 */
class ControlProtocolMismatchFailureAnalyzerTests {

	@Test
	void aMasterThatSetsNoVersionSpeaksVersionOne() {
		// Masters older than the version property speak today's format, version 1.
		assertThatNoException().isThrownBy(() -> ControlProtocol.checkMaster(null));
		assertThatNoException().isThrownBy(() -> ControlProtocol.checkMaster("1"));
	}

	@Test
	void aMasterOfAnotherVersionIsRefusedNamingBoth() {
		assertThatExceptionOfType(ControlProtocolMismatchException.class)
			.isThrownBy(() -> ControlProtocol.checkMaster("2"))
			.satisfies((ex) -> {
				assertThat(ex.getWorkerVersion()).isOne();
				assertThat(ex.getMasterVersion()).isEqualTo("2");
			});
		assertThatExceptionOfType(ControlProtocolMismatchException.class)
			.isThrownBy(() -> ControlProtocol.checkMaster("two"))
			.withMessageContaining("its master two");
	}

	@Test
	void analysisNamesBothVersionsAndSaysToRestartTheMaster() {
		FailureAnalysis analysis = new ControlProtocolMismatchFailureAnalyzer()
			.analyze(new IllegalStateException(new ControlProtocolMismatchException(1, "2")));
		assertThat(analysis.getDescription()).contains("speaks control protocol 1, its master 2");
		assertThat(analysis.getAction()).contains("Restart the master").contains("a reload cannot change");
	}

}
