package io.github.bootconcurrency.autoconfigure.docs;

import java.io.IOException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmProperties;
import io.github.bootconcurrency.autoconfigure.profiles.FailFastProfilesProperties;
import io.github.bootconcurrency.autoconfigure.multijvm.master.config.MasterDefaults;
import io.github.bootconcurrency.autoconfigure.redis.FailFastRedisProperties;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencyProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.ConfigurationProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every property that the tables of README.md and docs/*.md name is one of the starter's,
 * with the default and the allowed values its configuration metadata (generated from the
 * properties classes at build time, with additional-spring-configuration-metadata.json)
 * gives (where it gives none, as for a list, an enum or a value left unset, the value a
 * fresh properties object holds; a few defaults are derived, and listed as such); and
 * every property of the starter is in a table, with its default. The next drift between
 * the code and the documents fails the build.
 */
class DocumentedPropertiesTests {

	private static final Pattern KEY = Pattern.compile("(?:concurrency|fail-fast)\\.[a-z0-9.-]*[a-z0-9]");

	private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");

	/**
	 * Meter names, not properties, that share the {@code concurrency.} prefix.
	 */
	private static final List<String> METER_PREFIXES = List.of("concurrency.requests.", "concurrency.workers.");

	private static final Path ROOT = repositoryRoot();

	/**
	 * Properties with no default value of their own, which the code derives from other
	 * settings or the machine: their Default cell says how, which no value can be
	 * compared with (the settings' own tests check the derivation). Every other property
	 * without a default in the metadata is compared with what a fresh properties object
	 * holds.
	 */
	private static final Map<String, String> DERIVED = Map.of("concurrency.max-connections",
			"from the open-file limit, or max-concurrent-requests + backlog",
			"concurrency.virtual.min-concurrent-requests", "20, or max-concurrent-requests when that is smaller",
			"concurrency.multi-jvm.queue-timeout", "boot-timeout");

	/**
	 * The starter's properties classes, each as a fresh instance: the defaults the
	 * configuration processor cannot see (a list, an enum, a value left unset) are
	 * theirs.
	 */
	private static final List<Object> PROPERTIES_CLASSES = List.of(new ConcurrencyProperties(),
			new MultiJvmProperties(), new FailFastRedisProperties(), new FailFastProfilesProperties());

	private static final Map<String, JsonNode> properties = new LinkedHashMap<>();

	private static final Map<String, List<String>> hints = new LinkedHashMap<>();

	private static List<Row> rows;

	@BeforeAll
	static void read() throws IOException {
		JsonMapper json = JsonMapper.builder().build();
		for (Path file : List.of(Path.of("target/classes/META-INF/spring-configuration-metadata.json"),
				Path.of("src/main/resources/META-INF/additional-spring-configuration-metadata.json"))) {
			JsonNode metadata = json.readTree(Files.readString(file));
			for (JsonNode property : metadata.path("properties")) {
				properties.merge(property.get("name").asString(), property, (generated, additional) -> generated);
			}
			for (JsonNode hint : metadata.path("hints")) {
				List<String> values = new ArrayList<>();
				hint.path("values").forEach((value) -> values.add(value.get("value").asString()));
				hints.putIfAbsent(hint.get("name").asString(), values);
			}
		}
		assertThat(properties).containsKeys("concurrency.model", "fail-fast.redis.enabled");
		rows = tableRows();
	}

	@Test
	void everyKeyNamedInATableIsAProperty() {
		Set<String> unknown = new TreeSet<>();
		for (Row row : rows) {
			for (String cell : row.cells()) {
				Matcher backticked = BACKTICKED.matcher(cell);
				while (backticked.find()) {
					String key = key(backticked.group(1));
					if (key != null && !properties.containsKey(key)) {
						unknown.add(key + " (" + row.where() + ")");
					}
				}
			}
		}
		assertThat(unknown).as("keys in the documents' tables that the configuration metadata does not know").isEmpty();
	}

	@Test
	void everyDefaultInAKeyTableIsTheMetadatasDefault() {
		List<String> wrong = new ArrayList<>();
		for (Row row : keyRows()) {
			JsonNode property = properties.get(row.key());
			if (property == null) {
				continue;
			}
			if (!property.has("defaultValue")) {
				String mismatch = boundDefaultMismatch(row);
				if (mismatch != null) {
					wrong.add(mismatch);
				}
				continue;
			}
			String documented = firstBackticked(row.cell("Default"));
			String expected = text(property.get("defaultValue"));
			if (documented == null || !sameValue(documented, expected)) {
				wrong.add("%s (%s): documented %s, metadata %s".formatted(row.key(), row.where(), row.cell("Default"),
						expected));
			}
		}
		assertThat(wrong)
			.as("defaults in the documents that differ from the configuration metadata, or, where it has none, "
					+ "from what the properties bind")
			.isEmpty();
	}

	@Test
	void theBoundDefaultsAreReadFromTheProperties() throws Exception {
		assertThat(boundDefault("concurrency.multi-jvm.forwarded-headers"))
			.isEqualTo(List.of("x-forwarded-for", "x-forwarded-proto"));
		assertThat(boundDefault("fail-fast.profiles.known")).isEqualTo(List.of());
		assertThat(boundDefault("concurrency.request-timeout")).isNull();
		assertThat(boundDefault("concurrency.multi-jvm.balancer")).isEqualTo(MultiJvmProperties.Balancer.PROXY);
		assertThat(boundDefaultMismatch(parse(Path.of("example.md"), """
				| Key | Default | Meaning |
				| --- | --- | --- |
				| `concurrency.multi-jvm.forwarded-headers` | `x-forwarded-for` | |
				""").get(0))).contains("documented `x-forwarded-for`, bound x-forwarded-for, x-forwarded-proto");
	}

	/**
	 * Compare the Default cell of a property the metadata gives no default with the value
	 * a fresh properties object binds (under {@code concurrency.multi-jvm.*}, as the
	 * master holds it with no key set, since it fills in the balancer).
	 * @return what differs, or {@code null}
	 */
	private static String boundDefaultMismatch(Row row) {
		String key = row.key();
		String cell = row.cell("Default");
		Object fresh;
		Object bound;
		try {
			fresh = read(key, root(key));
			bound = boundDefault(key);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return "%s (%s): no default in the metadata, and none read from the properties: %s".formatted(key,
					row.where(), ex);
		}
		if (DERIVED.containsKey(key)) {
			// Derived, not left unset: a value here would be a default the table must
			// state.
			return (fresh == null && bound == null && cell != null && !cell.isEmpty() && !cell.startsWith("none"))
					? null : "%s (%s): listed as derived (%s), documented %s, bound %s".formatted(key, row.where(),
							DERIVED.get(key), cell, bound);
		}
		String expected = (bound instanceof Collection<?> values)
				? String.join(", ", values.stream().map(String::valueOf).toList())
				: (bound instanceof Enum<?> constant) ? constant.name().toLowerCase(Locale.ROOT).replace('_', '-')
						: (bound != null) ? bound.toString() : null;
		boolean unset = (expected == null || expected.isEmpty());
		if (unset) {
			return (cell != null && (cell.startsWith("none") || cell.equals("(empty)"))) ? null
					: "%s (%s): documented %s, bound nothing (none)".formatted(key, row.where(), cell);
		}
		String documented = firstBackticked(cell);
		return (documented != null && sameValue(documented, expected)) ? null
				: "%s (%s): documented %s, bound %s".formatted(key, row.where(), cell, expected);
	}

	private static Object boundDefault(String key) throws ReflectiveOperationException {
		Object bound = read(key, root(key));
		return (bound == null && key.equals("concurrency.multi-jvm.balancer")) ? MasterDefaults.balancer() : bound;
	}

	private static Object root(String key) {
		// The longest prefix: concurrency.multi-jvm.* is MultiJvmProperties', not
		// ConcurrencyProperties'.
		Object root = null;
		int longest = 0;
		for (Object candidate : PROPERTIES_CLASSES) {
			String prefix = candidate.getClass().getAnnotation(ConfigurationProperties.class).value();
			if (key.startsWith(prefix + ".") && prefix.length() > longest) {
				root = candidate;
				longest = prefix.length();
			}
		}
		if (root != null) {
			return root;
		}
		throw new IllegalStateException("no properties class of " + PROPERTIES_CLASSES + " binds " + key);
	}

	/**
	 * Read a key from a properties object through its getters:
	 * {@code platform.max-threads} is {@code getPlatform().getMaxThreads()}.
	 */
	private static Object read(String key, Object target) throws ReflectiveOperationException {
		String prefix = target.getClass().isAnnotationPresent(ConfigurationProperties.class)
				? target.getClass().getAnnotation(ConfigurationProperties.class).value() + "." : "";
		Object value = target;
		for (String part : key.substring(prefix.length()).split("\\.")) {
			if (value == null) {
				return null;
			}
			StringBuilder camel = new StringBuilder();
			for (String word : part.split("-")) {
				camel.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
			}
			Method getter;
			try {
				getter = value.getClass().getMethod("get" + camel);
			}
			catch (NoSuchMethodException ex) {
				getter = value.getClass().getMethod("is" + camel);
			}
			value = getter.invoke(value);
		}
		return value;
	}

	@Test
	void everyAllowedValueIsNamedInItsRow() throws Exception {
		List<String> missing = new ArrayList<>();
		for (Row row : keyRows()) {
			JsonNode property = properties.get(row.key());
			if (property == null) {
				continue;
			}
			Set<String> documented = new LinkedHashSet<>();
			for (String cell : row.cells()) {
				Matcher backticked = BACKTICKED.matcher(cell);
				while (backticked.find()) {
					documented.add(backticked.group(1));
				}
			}
			for (String value : allowedValues(property)) {
				if (!documented.contains(value)) {
					missing.add("%s (%s): %s not named".formatted(row.key(), row.where(), value));
				}
			}
		}
		assertThat(missing).as("allowed values of the metadata missing from the documents' tables").isEmpty();
	}

	@Test
	void everyPropertyIsInAKeyTableWithItsDefault() {
		Set<String> documented = new TreeSet<>();
		keyRows().forEach((row) -> documented.add(row.key()));
		Set<String> undocumented = new TreeSet<>();
		properties.keySet()
			.stream()
			.filter((name) -> name.startsWith("concurrency.") || name.startsWith("fail-fast."))
			.filter((name) -> !documented.contains(name))
			.forEach(undocumented::add);
		assertThat(undocumented).as("properties in no Key | Default table of README.md or docs/*.md").isEmpty();
	}

	@Test
	void tablesAreReadAsWritten() {
		List<Row> parsed = parse(Path.of("example.md"), """
				| Key | Default | Meaning |
				| --- | --- | --- |
				| `concurrency.model` | `platform` | `platform`, `virtual` or `multi-jvm` (a \\| b) |
				""");
		assertThat(parsed).singleElement().satisfies((row) -> {
			assertThat(row.key()).isEqualTo("concurrency.model");
			assertThat(row.cell("Default")).isEqualTo("`platform`");
			assertThat(row.cell("Meaning")).startsWith("`platform`");
		});
		assertThat(key("concurrency.requests.wait")).isNull();
		assertThat(key("fail-fast.redis.enabled=false")).isEqualTo("fail-fast.redis.enabled");
		assertThat(key("concurrency.*")).isNull();
		assertThat(sameValue("2.0", "2")).isTrue();
		assertThat(sameValue("20s", "30s")).isFalse();
	}

	private static List<Row> keyRows() {
		List<Row> keyRows = rows.stream().filter((row) -> row.isKeyRow()).toList();
		assertThat(keyRows).as("rows of Key | Default tables").hasSizeGreaterThan(20);
		return keyRows;
	}

	private static List<String> allowedValues(JsonNode property) throws ClassNotFoundException {
		String name = property.get("name").asString();
		List<String> hinted = hints.get(name);
		if (hinted != null && !hinted.isEmpty()) {
			return hinted;
		}
		String type = property.path("type").asString();
		if (type.startsWith("io.github.bootconcurrency.")) {
			Class<?> enumType = Class.forName(type);
			if (enumType.isEnum()) {
				List<String> values = new ArrayList<>();
				for (Object constant : enumType.getEnumConstants()) {
					values.add(((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'));
				}
				return values;
			}
		}
		return List.of();
	}

	/**
	 * Return the property a backticked text names, or {@code null}: a meter, a wildcard,
	 * or no key at all. A value after {@code =} or {@code :} is left out.
	 */
	static String key(String backticked) {
		String text = backticked.split("[=: ]", 2)[0];
		Matcher matcher = KEY.matcher(text);
		if (!matcher.matches() || text.contains("*")
				|| METER_PREFIXES.stream().anyMatch((prefix) -> text.startsWith(prefix))) {
			return null;
		}
		return text;
	}

	static boolean sameValue(String documented, String metadata) {
		if (documented.equals(metadata)) {
			return true;
		}
		try {
			return new BigDecimal(documented).compareTo(new BigDecimal(metadata)) == 0;
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

	private static String text(JsonNode value) {
		if (value.isArray()) {
			List<String> items = new ArrayList<>();
			value.forEach((item) -> items.add(item.asString()));
			return "[" + String.join(", ", items) + "]";
		}
		return value.asString();
	}

	private static String firstBackticked(String cell) {
		if (cell == null || !cell.startsWith("`")) {
			return null;
		}
		Matcher matcher = BACKTICKED.matcher(cell);
		return matcher.find() ? matcher.group(1) : null;
	}

	private static List<Row> tableRows() throws IOException {
		List<Path> documents = new ArrayList<>(List.of(ROOT.resolve("README.md")));
		try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
			files.filter((file) -> file.toString().endsWith(".md")).sorted().forEach(documents::add);
		}
		List<Row> all = new ArrayList<>();
		for (Path document : documents) {
			all.addAll(parse(ROOT.relativize(document), Files.readString(document)));
		}
		return all;
	}

	static List<Row> parse(Path document, String markdown) {
		List<Row> parsed = new ArrayList<>();
		List<String> header = null;
		boolean fenced = false;
		String[] lines = markdown.split("\n", -1);
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i].strip();
			if (line.startsWith("```")) {
				fenced = !fenced;
			}
			if (fenced || !line.startsWith("|")) {
				header = null;
				continue;
			}
			List<String> cells = cells(line);
			if (header == null) {
				header = cells;
			}
			else if (!cells.stream().allMatch((cell) -> cell.matches(":?-+:?"))) {
				parsed.add(new Row(document + ":" + (i + 1), header, cells));
			}
		}
		return parsed;
	}

	private static List<String> cells(String line) {
		List<String> cells = new ArrayList<>();
		StringBuilder cell = new StringBuilder();
		boolean code = false;
		String inner = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length());
		for (int i = 0; i < inner.length(); i++) {
			char c = inner.charAt(i);
			if (c == '\\' && i + 1 < inner.length() && inner.charAt(i + 1) == '|') {
				cell.append('|');
				i++;
			}
			else if (c == '`') {
				code = !code;
				cell.append(c);
			}
			else if (c == '|' && !code) {
				cells.add(cell.toString().strip());
				cell.setLength(0);
			}
			else {
				cell.append(c);
			}
		}
		cells.add(cell.toString().strip());
		return cells;
	}

	private static Path repositoryRoot() {
		Path directory = Path.of("").toAbsolutePath();
		while (directory != null && !Files.isRegularFile(directory.resolve("README.md"))) {
			directory = directory.getParent();
		}
		assertThat(directory).as("a README.md above " + Path.of("").toAbsolutePath()).isNotNull();
		return directory;
	}

	/**
	 * A row of a table in a document.
	 *
	 * @param where the document and line
	 * @param header the table's header cells
	 * @param cells the row's cells
	 */
	record Row(String where, List<String> header, List<String> cells) {

		/**
		 * Whether the row is one of a table of properties: its first column is headed
		 * {@code Key}, with a {@code Default} column, and names one key, backticked.
		 */
		boolean isKeyRow() {
			return "Key".equals(this.header.get(0)) && this.header.contains("Default") && key() != null;
		}

		String key() {
			String first = this.cells.get(0);
			Matcher matcher = BACKTICKED.matcher(first);
			return (matcher.matches()) ? DocumentedPropertiesTests.key(matcher.group(1)) : null;
		}

		String cell(String column) {
			int index = this.header.indexOf(column);
			return (index >= 0 && index < this.cells.size()) ? this.cells.get(index) : null;
		}

	}

}
