package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MasterJvm}; the image's replacement itself runs in
 * {@code MultiJvmMasterJvmIT}, since it would replace the test's JVM.
 */
class MasterJvmTests {

	@Test
	void aCollectorTheUserChoseKeepsTheMastersOwnOutForAJvmGivenTwoDoesNotStart() {
		List<String> options = List.of("-XX:+UseSerialGC", "-Xms8m", "-Xmx512m");
		assertThat(MasterJvm.withoutCollectorIfChosen(options, true)).containsExactly("-Xms8m", "-Xmx512m");
		assertThat(MasterJvm.withoutCollectorIfChosen(options, false)).isEqualTo(options);
	}

}
