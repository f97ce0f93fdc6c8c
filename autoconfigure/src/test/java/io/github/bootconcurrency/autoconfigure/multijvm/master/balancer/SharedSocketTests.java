package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the {@code shared-socket} balancer, the default where it works, is available:
 * Linux and macOS with Java 22 or later. Binding and inheriting the socket take worker
 * JVMs, and are the multi-jvm ITs'.
 */
class SharedSocketTests {

	@Test
	@EnabledOnOs({ OS.LINUX, OS.MAC })
	@EnabledForJreRange(min = JRE.JAVA_22)
	void isAvailableOnLinuxAndMacOsWithJava22OrLater() {
		assertThat(SharedSocket.unsupportedReason()).isEmpty();
	}

}
