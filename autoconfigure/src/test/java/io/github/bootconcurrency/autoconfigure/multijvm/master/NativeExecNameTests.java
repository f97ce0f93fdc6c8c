package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The Java 22 class that {@link MasterJvm} loads by name is there under that name, with
 * the methods it calls. A wrong name shows otherwise only as a master that stays in the
 * application's JVM, saying its native half did not load.
 */
@EnabledForJreRange(min = JRE.JAVA_22)
class NativeExecNameTests {

	@Test
	void theNameIsTheJava22ClassWithTheMethodsMasterJvmCalls() {
		assertThatNoException().isThrownBy(() -> {
			// Not initialized, and nothing called: exec would replace the test's JVM.
			Class<?> type = Class.forName(MasterJvm.NATIVE, false, getClass().getClassLoader());
			assertThat(type.getDeclaredMethod("exec", List.class).getReturnType()).isEqualTo(void.class);
			assertThat(type.getDeclaredMethod("nativeAccessEnabled").getReturnType()).isEqualTo(boolean.class);
		});
	}

}
