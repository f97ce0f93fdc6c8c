package io.github.bootconcurrency.autoconfigure.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.util.StringUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every class that autoconfigure's {@code spring.factories}, {@code aot.factories} and
 * auto-configuration imports name exists and is of the type it is listed under (an
 * import, an {@link AutoConfiguration @AutoConfiguration}). Spring Boot reads these names
 * only at run time, and skips a failure analyzer it cannot load without a word, so a
 * class moved to another package without its entry would otherwise lose its analysis
 * unnoticed.
 */
class FactoryNamesTests {

	private static final Path META_INF = Path.of("src/main/resources/META-INF");

	private static final String PACKAGE = "io.github.bootconcurrency.";

	@Test
	void everyListedClassExistsAndIsOfItsFactoryType() throws IOException {
		List<String> problems = new ArrayList<>();
		int listed = 0;
		for (String file : List.of("spring.factories", "spring/aot.factories")) {
			Properties factories = PropertiesLoaderUtils.loadProperties(new FileSystemResource(META_INF.resolve(file)));
			for (String type : factories.stringPropertyNames()) {
				Class<?> factoryType = load(type);
				assertThat(factoryType).as("factory type %s in %s", type, file).isNotNull();
				for (String name : StringUtils.commaDelimitedListToStringArray(factories.getProperty(type))) {
					listed++;
					check(file, name.trim(), factoryType, problems);
				}
			}
		}
		String imports = "spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports";
		for (String line : Files.readAllLines(META_INF.resolve(imports))) {
			if (!line.isBlank() && !line.startsWith("#")) {
				listed++;
				String name = line.trim();
				check(imports, name, Object.class, problems);
				Class<?> type = load(name);
				if (type != null && !type.isAnnotationPresent(AutoConfiguration.class)) {
					problems.add(imports + ": " + name + " is no @AutoConfiguration");
				}
			}
		}
		assertThat(listed).as("names read").isGreaterThan(20);
		assertThat(problems).isEmpty();
	}

	private static void check(String file, String name, Class<?> factoryType, List<String> problems) {
		Class<?> type = load(name);
		if (!name.startsWith(PACKAGE)) {
			problems.add(file + ": " + name + " is not one of the starter's classes");
		}
		else if (type == null) {
			problems.add(file + ": " + name + " does not exist");
		}
		else if (!factoryType.isAssignableFrom(type)) {
			problems.add(file + ": " + name + " is no " + factoryType.getName());
		}
	}

	private static Class<?> load(String name) {
		try {
			// Not initialized: only whether the class is there and what it extends.
			return Class.forName(name, false, FactoryNamesTests.class.getClassLoader());
		}
		catch (ClassNotFoundException ex) {
			return null;
		}
	}

}
