package io.github.bootconcurrency.autoconfigure.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layout rules of the main code of autoconfigure, sample-app and benchmark, read from
 * the source files as text: no package cycle, no class over {@value #MAX_CLASS_LINES}
 * lines, no package over {@value #MAX_PACKAGE_FILES} files, and a {@code package-info}
 * with {@code @NullMarked} in every package.
 *
 * <p>
 * Today's exceptions are listed here, each with what it is. A new violation fails and
 * names itself; a listed exception that is gone fails too, so that each refactoring step
 * removes its own entries and the lists cannot go stale. A listed class or package may
 * shrink, never grow. Names are relative to {@code io.github.bootconcurrency}.
 */
class ArchitectureTests {

	static final int MAX_CLASS_LINES = 400;

	static final int MAX_PACKAGE_FILES = 15;

	private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

	private static final List<String> MAIN_SOURCES = List.of("autoconfigure/src/main/java",
			"autoconfigure/src/main/java22", "sample-app/src/main/java", "benchmark/src/main/java");

	/**
	 * The imports ({@code from -> to}) that close today's package cycles. None: every
	 * package depends on others one way only.
	 */
	private static final Set<String> CYCLE_IMPORTS = Set.of();

	/** Classes over {@value #MAX_CLASS_LINES} lines, with their lines today. */
	private static final Map<String, Integer> LONG_CLASSES = Map.of();

	/**
	 * Packages over {@value #MAX_PACKAGE_FILES} files ({@code package-info} and the Java
	 * 22 classes included), with their files today.
	 */
	private static final Map<String, Integer> LARGE_PACKAGES = Map.of();

	/** Packages without a {@code package-info} that says {@code @NullMarked}. */
	private static final Set<String> NOT_NULL_MARKED = Set.of();

	private static SourceLayout main;

	@BeforeAll
	static void readMainSources() throws IOException {
		main = SourceLayout.read(MAIN_SOURCES.stream().map(ROOT::resolve).toList());
		assertThat(main.packages()).as("packages read")
			.contains("autoconfigure", "autoconfigure.multijvm.master", "sample", "benchmark");
	}

	@Test
	void noPackageCycleBeyondTheListedImports() {
		assertThat(main.cycleViolations(CYCLE_IMPORTS)).isEmpty();
	}

	@Test
	void noClassOverTheLineLimitBeyondTheListedClasses() {
		assertThat(main.longClassViolations(MAX_CLASS_LINES, LONG_CLASSES)).isEmpty();
	}

	@Test
	void noPackageOverTheFileLimitBeyondTheListedPackages() {
		assertThat(main.largePackageViolations(MAX_PACKAGE_FILES, LARGE_PACKAGES)).isEmpty();
	}

	@Test
	void everyPackageIsNullMarkedBeyondTheListedPackages() {
		assertThat(main.nullMarkedViolations(NOT_NULL_MARKED)).isEmpty();
	}

	@Test
	void aNewCycleIsNamedWithItsImports(@TempDir Path tree) throws IOException {
		write(tree, "a/A.java", "package io.github.bootconcurrency.a;\n\nimport io.github.bootconcurrency.b.B;\n");
		write(tree, "b/B.java",
				"package io.github.bootconcurrency.b;\n\nimport static io.github.bootconcurrency.c.C.VALUE;\n");
		write(tree, "c/C.java", "package io.github.bootconcurrency.c;\n\nimport io.github.bootconcurrency.a.*;\n");
		write(tree, "d/D.java", "package io.github.bootconcurrency.d;\n\nimport io.github.bootconcurrency.a.A;\n");
		SourceLayout layout = SourceLayout.read(List.of(tree));
		assertThat(layout.cycleViolations(Set.of())).singleElement()
			.asString()
			.contains("[a, b, c]", "a -> b (a.A)", "b -> c (b.B)", "c -> a (c.C)")
			.doesNotContain("d");
		assertThat(layout.cycleViolations(Set.of("c -> a"))).isEmpty();
	}

	@Test
	void aListedImportThatClosesNoCycleMustBeRemoved(@TempDir Path tree) throws IOException {
		write(tree, "a/A.java", "package io.github.bootconcurrency.a;\n\nimport io.github.bootconcurrency.b.B;\n");
		write(tree, "b/B.java", "package io.github.bootconcurrency.b;\n");
		SourceLayout layout = SourceLayout.read(List.of(tree));
		assertThat(layout.cycleViolations(Set.of("a -> b", "b -> a"))).containsExactlyInAnyOrder(
				"a -> b closes no package cycle any more: remove it from the list",
				"b -> a closes no package cycle any more: remove it from the list");
	}

	@Test
	void aLongClassIsNamedAndAListedOneMayOnlyShrink(@TempDir Path tree) throws IOException {
		write(tree, "a/Long.java", "package io.github.bootconcurrency.a;\n" + "\n".repeat(10));
		write(tree, "a/Short.java", "package io.github.bootconcurrency.a;\n");
		write(tree, "a/Shrunk.java", "package io.github.bootconcurrency.a;\n" + "\n".repeat(6));
		SourceLayout layout = SourceLayout.read(List.of(tree));
		assertThat(layout.longClassViolations(5, Map.of()))
			.containsExactlyInAnyOrder("a.Long has 11 lines, more than 5", "a.Shrunk has 7 lines, more than 5");
		assertThat(layout.longClassViolations(5, Map.of("a.Long", 10, "a.Shrunk", 8, "a.Short", 6, "a.Gone", 9)))
			.containsExactlyInAnyOrder("a.Long has 11 lines, more than the 10 it is listed with: it may only shrink",
					"a.Short has 1 lines, no more than 5: remove it from the list",
					"a.Gone does not exist: remove it from the list");
	}

	@Test
	void aLargePackageIsNamedAndAListedOneMayOnlyShrink(@TempDir Path tree) throws IOException {
		Path java22 = tree.resolve("java22");
		for (String name : List.of("A", "B", "C")) {
			write(tree.resolve("java"), "a/" + name + ".java", "package io.github.bootconcurrency.a;\n");
		}
		write(java22, "a/D.java", "package io.github.bootconcurrency.a;\n");
		write(tree.resolve("java"), "b/B.java", "package io.github.bootconcurrency.b;\n");
		SourceLayout layout = SourceLayout.read(List.of(tree.resolve("java"), java22));
		assertThat(layout.largePackageViolations(3, Map.of())).containsExactly("a has 4 files, more than 3");
		assertThat(layout.largePackageViolations(3, Map.of("a", 3, "b", 2))).containsExactlyInAnyOrder(
				"a has 4 files, more than the 3 it is listed with: it may only shrink",
				"b has 1 files, no more than 3: remove it from the list");
		assertThat(layout.largePackageViolations(3, Map.of("a", 5))).isEmpty();
	}

	@Test
	void aPackageWithoutNullMarkedIsNamed(@TempDir Path tree) throws IOException {
		write(tree, "a/A.java", "package io.github.bootconcurrency.a;\n");
		write(tree, "b/B.java", "package io.github.bootconcurrency.b;\n");
		write(tree, "b/package-info.java", "/** B. */\npackage io.github.bootconcurrency.b;\n");
		write(tree, "c/C.java", "package io.github.bootconcurrency.c;\n");
		write(tree, "c/package-info.java", "/** C. */\n@NullMarked\npackage io.github.bootconcurrency.c;\n\n"
				+ "import org.jspecify.annotations.NullMarked;\n");
		SourceLayout layout = SourceLayout.read(List.of(tree));
		assertThat(layout.nullMarkedViolations(Set.of())).containsExactlyInAnyOrder(
				"a has no package-info.java with @NullMarked", "b has no package-info.java with @NullMarked");
		assertThat(layout.nullMarkedViolations(Set.of("a", "b", "c")))
			.containsExactly("c has a package-info.java with @NullMarked: remove it from the list");
	}

	private static void write(Path root, String file, String content) throws IOException {
		Path path = root.resolve("io/github/bootconcurrency").resolve(file);
		Files.createDirectories(path.getParent());
		Files.writeString(path, content);
	}

}
