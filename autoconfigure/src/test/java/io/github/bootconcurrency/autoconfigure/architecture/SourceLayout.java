package io.github.bootconcurrency.autoconfigure.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The packages, classes and package imports of Java source trees, read as text. Names are
 * relative to {@code io.github.bootconcurrency}, the root package of a module being its
 * last segment ({@code autoconfigure}). Only {@code import} lines make a dependency: a
 * fully qualified name in code or Javadoc does not, and neither does a reference within a
 * package.
 */
final class SourceLayout {

	private static final String PREFIX = "io.github.bootconcurrency.";

	private static final Pattern IMPORT = Pattern
		.compile("^import\\s+(?:static\\s+)?io\\.github\\.bootconcurrency\\.([\\w.]+?)(?:\\.\\*)?\\s*;");

	private static final Pattern NULL_MARKED = Pattern.compile("@(?:org\\.jspecify\\.annotations\\.)?NullMarked\\b");

	/** Package to its files, {@code package-info.java} included. */
	private final Map<String, Integer> packageFiles = new TreeMap<>();

	/** Class (one per file) to its lines. */
	private final Map<String, Integer> classLines = new TreeMap<>();

	/** Packages whose {@code package-info.java} says {@code @NullMarked}. */
	private final Set<String> nullMarked = new TreeSet<>();

	/** Imported names per class, before they are resolved to packages. */
	private final Map<String, List<String>> imports = new TreeMap<>();

	/** Package to package, with the first class that makes the dependency. */
	private final Map<String, Map<String, String>> dependencies = new TreeMap<>();

	private SourceLayout() {
	}

	static SourceLayout read(List<Path> roots) throws IOException {
		SourceLayout layout = new SourceLayout();
		for (Path root : roots) {
			Path base = root.resolve("io/github/bootconcurrency");
			if (!Files.isDirectory(base)) {
				continue;
			}
			List<Path> files;
			try (Stream<Path> walk = Files.walk(base)) {
				files = walk.filter((path) -> path.toString().endsWith(".java")).sorted().toList();
			}
			for (Path file : files) {
				layout.add(base, file);
			}
		}
		layout.resolveDependencies();
		return layout;
	}

	private void add(Path base, Path file) throws IOException {
		String pkg = base.relativize(file.getParent()).toString().replace(file.getFileSystem().getSeparator(), ".");
		String name = file.getFileName().toString().replaceFirst("\\.java$", "");
		List<String> lines = Files.readAllLines(file);
		this.packageFiles.merge(pkg, 1, Integer::sum);
		if (name.equals("package-info")) {
			if (NULL_MARKED.matcher(String.join("\n", lines)).find()) {
				this.nullMarked.add(pkg);
			}
			return;
		}
		String className = pkg + "." + name;
		this.classLines.put(className, lines.size());
		List<String> imported = new ArrayList<>();
		for (String line : lines) {
			Matcher matcher = IMPORT.matcher(line);
			if (matcher.find()) {
				imported.add(matcher.group(1));
			}
		}
		this.imports.put(className, imported);
	}

	private void resolveDependencies() {
		this.imports.forEach((className, imported) -> {
			String from = className.substring(0, className.lastIndexOf('.'));
			for (String name : imported) {
				String to = packageOf(name);
				if (to != null && !to.equals(from)) {
					this.dependencies.computeIfAbsent(from, (key) -> new TreeMap<>()).putIfAbsent(to, className);
				}
			}
		});
	}

	/**
	 * Return the longest known package that the imported name starts with: a class, a
	 * nested class or a static member.
	 */
	private String packageOf(String name) {
		String candidate = name;
		while (true) {
			if (this.packageFiles.containsKey(candidate)) {
				return candidate;
			}
			int dot = candidate.lastIndexOf('.');
			if (dot < 0) {
				return null;
			}
			candidate = candidate.substring(0, dot);
		}
	}

	Set<String> packages() {
		return this.packageFiles.keySet();
	}

	/**
	 * Return the package cycles that remain once the listed imports ({@code from -> to})
	 * are left out, each with its imports, and the listed imports that close no cycle.
	 */
	List<String> cycleViolations(Set<String> allowedImports) {
		List<String> violations = new ArrayList<>();
		Map<String, Integer> component = components(Set.of());
		for (String allowed : new TreeSet<>(allowedImports)) {
			String[] ends = allowed.split(" -> ");
			boolean imported = this.dependencies.getOrDefault(ends[0], Map.of()).containsKey(ends[1]);
			if (!imported || !component.get(ends[0]).equals(component.get(ends[1]))) {
				violations.add(allowed + " closes no package cycle any more: remove it from the list");
			}
		}
		Map<Integer, Set<String>> cycles = new TreeMap<>();
		components(allowedImports).forEach((pkg, id) -> cycles.computeIfAbsent(id, (key) -> new TreeSet<>()).add(pkg));
		for (Set<String> cycle : cycles.values()) {
			if (cycle.size() > 1) {
				List<String> edges = new ArrayList<>();
				for (String from : cycle) {
					this.dependencies.getOrDefault(from, Map.of()).forEach((to, via) -> {
						if (cycle.contains(to) && !allowedImports.contains(from + " -> " + to)) {
							edges.add(from + " -> " + to + " (" + via + ")");
						}
					});
				}
				violations.add("package cycle " + cycle + ": " + String.join(", ", edges));
			}
		}
		return violations;
	}

	/**
	 * Tarjan's strongly connected components of the package graph without the given
	 * imports: package to the number of its component.
	 */
	private Map<String, Integer> components(Set<String> leftOut) {
		Map<String, Integer> index = new HashMap<>();
		Map<String, Integer> low = new HashMap<>();
		Map<String, Integer> component = new HashMap<>();
		List<String> stack = new ArrayList<>();
		for (String pkg : this.packageFiles.keySet()) {
			if (!index.containsKey(pkg)) {
				connect(pkg, leftOut, index, low, component, stack);
			}
		}
		return component;
	}

	private void connect(String pkg, Set<String> leftOut, Map<String, Integer> index, Map<String, Integer> low,
			Map<String, Integer> component, List<String> stack) {
		index.put(pkg, index.size());
		low.put(pkg, index.get(pkg));
		stack.add(pkg);
		for (String to : this.dependencies.getOrDefault(pkg, Map.of()).keySet()) {
			if (leftOut.contains(pkg + " -> " + to)) {
				continue;
			}
			if (!index.containsKey(to)) {
				connect(to, leftOut, index, low, component, stack);
				low.put(pkg, Math.min(low.get(pkg), low.get(to)));
			}
			else if (stack.contains(to)) {
				low.put(pkg, Math.min(low.get(pkg), index.get(to)));
			}
		}
		if (low.get(pkg).equals(index.get(pkg))) {
			int id = index.get(pkg);
			String member;
			do {
				member = stack.remove(stack.size() - 1);
				component.put(member, id);
			}
			while (!member.equals(pkg));
		}
	}

	List<String> longClassViolations(int maxLines, Map<String, Integer> allowed) {
		return sizeViolations(this.classLines, "lines", maxLines, allowed);
	}

	List<String> largePackageViolations(int maxFiles, Map<String, Integer> allowed) {
		return sizeViolations(this.packageFiles, "files", maxFiles, allowed);
	}

	private static List<String> sizeViolations(Map<String, Integer> sizes, String unit, int max,
			Map<String, Integer> allowed) {
		List<String> violations = new ArrayList<>();
		sizes.forEach((name, size) -> {
			Integer listed = allowed.get(name);
			if (size > max && listed == null) {
				violations.add(name + " has " + size + " " + unit + ", more than " + max);
			}
			else if (listed != null && size > listed) {
				violations.add(name + " has " + size + " " + unit + ", more than the " + listed
						+ " it is listed with: it may only shrink");
			}
			else if (listed != null && size <= max) {
				violations
					.add(name + " has " + size + " " + unit + ", no more than " + max + ": remove it from the list");
			}
		});
		new TreeSet<>(allowed.keySet()).stream()
			.filter((name) -> !sizes.containsKey(name))
			.forEach((name) -> violations.add(name + " does not exist: remove it from the list"));
		return violations;
	}

	List<String> nullMarkedViolations(Set<String> allowed) {
		List<String> violations = new ArrayList<>();
		for (String pkg : this.packageFiles.keySet()) {
			boolean marked = this.nullMarked.contains(pkg);
			if (!marked && !allowed.contains(pkg)) {
				violations.add(pkg + " has no package-info.java with @NullMarked");
			}
			else if (marked && allowed.contains(pkg)) {
				violations.add(pkg + " has a package-info.java with @NullMarked: remove it from the list");
			}
		}
		new TreeSet<>(allowed).stream()
			.filter((pkg) -> !this.packageFiles.containsKey(pkg))
			.forEach((pkg) -> violations.add(pkg + " does not exist: remove it from the list"));
		return violations;
	}

}
