package io.github.bootconcurrency.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AppModel}.
 */
class AppModelTests {

	@Test
	void theAppWithoutTheStarterExcludesEveryAutoConfigurationTheStarterRegisters() throws Exception {
		// Spring Boot ignores an exclusion of a class that does not exist: a renamed
		// auto-configuration would silently stay in the baseline.
		Path imports = Path.of("..", "autoconfigure", "src", "main", "resources", "META-INF", "spring",
				"org.springframework.boot.autoconfigure.AutoConfiguration.imports");
		List<String> registered = Files.readAllLines(imports)
			.stream()
			.map(String::trim)
			.filter((line) -> !line.isEmpty())
			.toList();
		assertThat(AppModel.STARTER_AUTO_CONFIGURATIONS).containsExactlyInAnyOrderElementsOf(registered);
	}

}
