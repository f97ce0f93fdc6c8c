package io.github.bootconcurrency.benchmark.results;

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

	@Test
	void gunicornModelsAreSizedFromTheCoresAsGunicornsDocsAdvise() {
		List<AppModel> models = AppModel.gunicorn(2);
		assertThat(models).extracting(AppModel::id)
			.containsExactly(AppModel.GUNICORN_SYNC, AppModel.GUNICORN_GTHREAD, AppModel.GUNICORN_GEVENT);
		assertThat(models.get(0).appArguments()).contains("--workers=5");
		assertThat(models.get(0).workers()).isEqualTo(5);
		assertThat(models.get(1).appArguments()).contains("--workers=2", "--threads=8");
		assertThat(models.get(2).appArguments()).contains("--workers=5", "--worker-connections=4000");
		assertThat(models).allMatch(AppModel::gunicorn).allMatch(AppModel::full).noneMatch(AppModel::multiJvm);
	}

	@Test
	void laterThroughputRoundsRunOnlyTheModelsOfTheRatioTargets() {
		assertThat(AppModel.all().stream().filter(AppModel::inThroughputTargets).map(AppModel::id)).containsExactly(
				"platform", "virtual", "multi-jvm-platform-proxy", "multi-jvm-virtual-proxy",
				"multi-jvm-platform-shared-socket", "multi-jvm-virtual-shared-socket", "no-starter");
	}

}
