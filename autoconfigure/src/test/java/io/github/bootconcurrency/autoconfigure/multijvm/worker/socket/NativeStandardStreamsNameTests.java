package io.github.bootconcurrency.autoconfigure.multijvm.worker.socket;

import java.nio.channels.Channel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The Java 22 class that {@link InheritedStandardInput} and {@link InheritedSocketCloser}
 * load by name is there under that name, with the methods they call. Both fall back
 * without a word when it is not (no detach, a plain close that puts {@code /dev/null} on
 * the worker's output), so a class moved without its name would otherwise show only in a
 * real shared-socket worker.
 */
@EnabledForJreRange(min = JRE.JAVA_22)
class NativeStandardStreamsNameTests {

	@Test
	void theNameIsTheJava22ClassWithTheMethodsBothCall() {
		assertThatNoException().isThrownBy(() -> {
			// Not initialized: only whether the class is there and what it declares.
			Class<?> type = Class.forName(InheritedStandardInput.NATIVE, false, getClass().getClassLoader());
			assertThat(type.getDeclaredMethod("detachStandardInput", int.class).getReturnType())
				.isEqualTo(boolean.class);
			type.getDeclaredMethod("closeKeepingOutput", Channel.class);
		});
	}

}
