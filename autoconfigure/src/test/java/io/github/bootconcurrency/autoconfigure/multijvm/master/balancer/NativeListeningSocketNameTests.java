package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import java.net.Inet4Address;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The Java 22 class that {@link SharedSocket} loads by name is there under that name,
 * with the method it calls. A wrong name shows otherwise only when a real master starts
 * with the shared-socket balancer.
 */
@EnabledForJreRange(min = JRE.JAVA_22)
class NativeListeningSocketNameTests {

	@Test
	void theNameIsTheJava22ClassWithTheMethodSharedSocketCalls() {
		assertThatNoException().isThrownBy(() -> {
			// Not initialized: only whether the class is there and what it declares.
			Class<?> type = Class.forName(SharedSocket.NATIVE, false, getClass().getClassLoader());
			assertThat(type.getDeclaredMethod("bindOntoStandardInput", Inet4Address.class, int.class, int.class)
				.getReturnType()).isEqualTo(int.class);
		});
	}

}
