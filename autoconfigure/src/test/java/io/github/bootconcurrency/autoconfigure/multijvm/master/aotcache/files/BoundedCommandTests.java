package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BoundedCommand}, without running one.
 */
class BoundedCommandTests {

	@Test
	void theHelperJvmsDoNotPickUpTheInheritedJvmOptions() {
		Map<String, String> environment = new HashMap<>(Map.of("JAVA_TOOL_OPTIONS", "-javaagent:/apm.jar",
				"JDK_JAVA_OPTIONS", "-Xlog:gc:file=gc.log", "_JAVA_OPTIONS", "-Xmx1g", "PATH", "/usr/bin"));
		BoundedCommand.withoutInheritedJvmOptions(environment);
		assertThat(environment).containsOnlyKeys("PATH");
	}

}
