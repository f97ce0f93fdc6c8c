package io.github.bootconcurrency.autoconfigure.validation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.json.JsonParserFactory;

/**
 * The keys under the starter's prefixes that something binds, as the configuration
 * processor described them in {@code META-INF/spring-configuration-metadata.json} when
 * the starter (or an application with keys of its own under those prefixes) was built.
 *
 * <p>
 * Reading the generated metadata, rather than a list kept by hand, means a key added to a
 * properties class is known as soon as it is compiled. A key is known when it is a
 * property, when it lies under a property that holds a list or a map (an index such as
 * {@code [0]}, a map key), or when it is a group left empty, as YAML writes
 * {@code concurrency:} with nothing under it.
 */
final class KnownKeys {

	/** One-word ends of starter keys distinctive enough to refuse without their group. */
	private static final java.util.Set<String> DISTINCTIVE_WORDS = java.util.Set.of("workers", "attempts");

	static final String METADATA = "META-INF/spring-configuration-metadata.json";

	private final List<ConfigurationPropertyName> prefixes;

	private final Map<ConfigurationPropertyName, String> properties = new LinkedHashMap<>();

	private final Set<ConfigurationPropertyName> containers = new LinkedHashSet<>();

	private final Set<ConfigurationPropertyName> groups = new LinkedHashSet<>();

	private KnownKeys(List<String> prefixes) {
		this.prefixes = prefixes.stream().map(ConfigurationPropertyName::of).toList();
	}

	/**
	 * Read the keys under the prefixes from every metadata file on the class path.
	 * @param classLoader the class loader to search
	 * @param prefixes the prefixes, such as {@code concurrency}
	 * @return the keys; empty if no metadata describes any key under the prefixes
	 */
	static KnownKeys load(ClassLoader classLoader, List<String> prefixes) {
		KnownKeys keys = new KnownKeys(prefixes);
		try {
			Enumeration<URL> resources = classLoader.getResources(METADATA);
			while (resources.hasMoreElements()) {
				keys.read(resources.nextElement());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + METADATA, ex);
		}
		return keys;
	}

	private void read(URL resource) throws IOException {
		String json;
		try (InputStream in = resource.openStream()) {
			json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		// Most metadata on the class path is Spring Boot's own: parse only files that
		// can name one of ours.
		if (this.prefixes.stream().noneMatch((prefix) -> json.contains("\"" + prefix + "."))) {
			return;
		}
		Map<String, Object> metadata = JsonParserFactory.getJsonParser().parseMap(json);
		for (Map<String, Object> property : entries(metadata.get("properties"))) {
			ConfigurationPropertyName name = nameUnderPrefixes(property.get("name"));
			if (name != null) {
				String type = String.valueOf(property.get("type"));
				this.properties.put(name, type);
				// The parents of a property are groups too, as concurrency.actuator is.
				for (int size = 2; size < name.getNumberOfElements(); size++) {
					this.groups.add(name.chop(size));
				}
				if (isContainer(type)) {
					this.containers.add(name);
				}
			}
		}
		for (Map<String, Object> group : entries(metadata.get("groups"))) {
			ConfigurationPropertyName name = nameUnderPrefixes(group.get("name"));
			if (name != null) {
				this.groups.add(name);
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> entries(@Nullable Object list) {
		return (list instanceof List<?>) ? (List<Map<String, Object>>) list : List.of();
	}

	private @Nullable ConfigurationPropertyName nameUnderPrefixes(@Nullable Object name) {
		if (!(name instanceof String text) || !ConfigurationPropertyName.isValid(text)) {
			return null;
		}
		ConfigurationPropertyName candidate = ConfigurationPropertyName.of(text);
		return isUnderPrefixes(candidate) ? candidate : null;
	}

	private static boolean isContainer(String type) {
		return type.startsWith("java.util.Map") || type.startsWith("java.util.List") || type.startsWith("java.util.Set")
				|| type.startsWith("java.util.Collection") || type.endsWith("[]");
	}

	/**
	 * Return whether a key lies under one of the prefixes, or is one.
	 * @param name the key
	 * @return whether it is the starter's to check
	 */
	boolean isUnderPrefixes(ConfigurationPropertyName name) {
		return this.prefixes.stream().anyMatch((prefix) -> prefix.equals(name) || prefix.isAncestorOf(name));
	}

	/**
	 * Return whether no metadata described a key under the prefixes, as when the
	 * configuration processor did not run.
	 * @return whether nothing is known
	 */
	boolean isEmpty() {
		return this.properties.isEmpty();
	}

	/**
	 * Return whether a key, in any relaxed form, is known.
	 * @param name the key
	 * @param value its value, since a group is only known left empty
	 * @return whether it is known
	 */
	boolean isKnown(ConfigurationPropertyName name, @Nullable Object value) {
		if (this.properties.containsKey(name)) {
			return true;
		}
		for (ConfigurationPropertyName container : this.containers) {
			if (container.isAncestorOf(name)) {
				return true;
			}
		}
		boolean empty = value == null || String.valueOf(value).isBlank();
		return empty && (this.groups.contains(name) || this.prefixes.contains(name));
	}

	/**
	 * Return whether an unknown key is certainly meant for the starter, a mistake to
	 * refuse rather than a key of the application's own that happens to share a prefix
	 * ({@code concurrency.pool-size} for its own executor): it lies in one of the
	 * starter's groups ({@code concurrency.platform.*}, {@code fail-fast.redis.*}, or
	 * under a property, as {@code concurrency.model.x}), or its first part after the
	 * prefix is a typo of one of the starter's ({@code concurrency.request-timout},
	 * {@code concurrency.multi-jvn.workers}, {@code fail-fast.profile.known}), or it is
	 * one of the starter's properties without its group ({@code concurrency.workers}).
	 * @param name the unknown key
	 * @return whether it is the starter's
	 */
	boolean isStarters(ConfigurationPropertyName name) {
		ConfigurationPropertyName prefix = this.prefixes.stream()
			.filter((candidate) -> candidate.isAncestorOf(name))
			.findFirst()
			.orElse(null);
		if (prefix == null) {
			// The prefix itself, set to a value.
			return false;
		}
		// The first part decides: the same as one of ours (a key in one of our groups,
		// or under one of our properties) or a typo of one.
		int depth = prefix.getNumberOfElements();
		String first = name.getElement(depth, ConfigurationPropertyName.Form.UNIFORM);
		List<ConfigurationPropertyName> known = new ArrayList<>(this.properties.keySet());
		known.addAll(this.groups);
		for (ConfigurationPropertyName key : known) {
			if (prefix.isAncestorOf(key)) {
				String knownFirst = key.getElement(depth, ConfigurationPropertyName.Form.UNIFORM);
				if (isTypo(first, knownFirst)) {
					return true;
				}
			}
		}
		return name.getNumberOfElements() == depth + 1 && isPropertyWithoutItsGroup(prefix, name);
	}

	/**
	 * Return whether a key right under a prefix is one of the starter's properties
	 * written without its group ({@code concurrency.max-threads} for
	 * {@code concurrency.platform.max-threads}, {@code fail-fast.attempts}), a typo of
	 * one, or one with its last word left off ({@code concurrency.keep-alive}), when that
	 * property's last word is distinctive. A key in a group of the application's own
	 * ({@code concurrency.executor.max-threads}) is left to it.
	 */
	private boolean isPropertyWithoutItsGroup(ConfigurationPropertyName prefix, ConfigurationPropertyName name) {
		int last = name.getNumberOfElements() - 1;
		String uniform = name.getElement(last, ConfigurationPropertyName.Form.UNIFORM);
		String dashed = name.getElement(last, ConfigurationPropertyName.Form.DASHED);
		for (ConfigurationPropertyName property : this.properties.keySet()) {
			if (!prefix.isAncestorOf(property)) {
				continue;
			}
			int knownLast = property.getNumberOfElements() - 1;
			String knownDashed = property.getElement(knownLast, ConfigurationPropertyName.Form.DASHED);
			if ((isDistinctive(knownDashed)
					&& isTypo(uniform, property.getElement(knownLast, ConfigurationPropertyName.Form.UNIFORM)))
					|| (dashed.contains("-") && knownDashed.startsWith(dashed + "-"))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return whether the last word of a starter property says enough on its own to take
	 * an application's key ending so for it: several words ({@code max-threads}) or one
	 * no application would use under these prefixes for something else. A generic one
	 * ({@code enabled}, {@code timeout}, {@code limit}) is as likely the application's
	 * own ({@code fail-fast.enabled}) and is only warned about.
	 */
	private static boolean isDistinctive(String knownDashed) {
		return knownDashed.contains("-") || DISTINCTIVE_WORDS.contains(knownDashed);
	}

	/**
	 * Return whether a word is the same as a known one or a typo of it: at most two
	 * edits, and at most one for every three letters of the known word, so that a short
	 * word of the application's ({@code level}) is not taken for a short one of ours
	 * ({@code model}).
	 */
	static boolean isTypo(String word, String known) {
		int distance = distance(word, known);
		return distance <= 2 && distance * 3 <= known.length();
	}

	/**
	 * Return whether an environment variable stands for a known key, in either of the
	 * forms that Spring Boot maps to it: {@code CONCURRENCY_MULTIJVM_WORKERS} or
	 * {@code CONCURRENCY_MULTI_JVM_WORKERS}, with {@code _0_} for an index.
	 * @param variable the variable's name
	 * @param value its value
	 * @return whether it is known
	 */
	boolean isKnownVariable(String variable, @Nullable Object value) {
		String upper = variable.toUpperCase(Locale.ROOT);
		for (ConfigurationPropertyName property : this.properties.keySet()) {
			for (String form : variableForms(property)) {
				if (upper.equals(form) || (this.containers.contains(property) && upper.startsWith(form + "_"))) {
					return true;
				}
			}
		}
		boolean empty = value == null || String.valueOf(value).isBlank();
		if (empty) {
			List<ConfigurationPropertyName> groupsAndPrefixes = new ArrayList<>(this.groups);
			groupsAndPrefixes.addAll(this.prefixes);
			for (ConfigurationPropertyName group : groupsAndPrefixes) {
				if (variableForms(group).contains(upper)) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Return whether an environment variable lies under one of the prefixes.
	 * @param variable the variable's name
	 * @return whether it is the starter's to check
	 */
	boolean isVariableUnderPrefixes(String variable) {
		String upper = variable.toUpperCase(Locale.ROOT);
		for (ConfigurationPropertyName prefix : this.prefixes) {
			for (String form : variableForms(prefix)) {
				if (upper.equals(form) || upper.startsWith(form + "_")) {
					return true;
				}
			}
		}
		return false;
	}

	private static Set<String> variableForms(ConfigurationPropertyName name) {
		String dashed = name.toString().toUpperCase(Locale.ROOT).replace('.', '_');
		return new LinkedHashSet<>(List.of(dashed.replace("-", ""), dashed.replace('-', '_')));
	}

	/**
	 * Return the known key closest to a key that is not, by edit distance between their
	 * forms without dashes, underscores or case, so that {@code multiJvm} and
	 * {@code multi-jvm} are the same.
	 * @param key the unknown key, as written
	 * @return the closest known key, in its canonical form
	 */
	@Nullable String closest(String key) {
		String target = uniform(key);
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		for (ConfigurationPropertyName property : this.properties.keySet()) {
			int distance = distance(target, uniform(property.toString()));
			if (distance < bestDistance) {
				best = property.toString();
				bestDistance = distance;
			}
		}
		return best;
	}

	/**
	 * Return every known property, in the canonical form.
	 * @return the keys
	 */
	List<String> properties() {
		return Collections.unmodifiableList(this.properties.keySet().stream().map(Object::toString).toList());
	}

	private static String uniform(String key) {
		return key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", ".");
	}

	/**
	 * Damerau-Levenshtein distance (optimal string alignment): a swap of two adjacent
	 * letters, the commonest typo, is one edit.
	 */
	static int distance(String a, String b) {
		int[][] d = new int[a.length() + 1][b.length() + 1];
		for (int i = 0; i <= a.length(); i++) {
			d[i][0] = i;
		}
		for (int j = 0; j <= b.length(); j++) {
			d[0][j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			for (int j = 1; j <= b.length(); j++) {
				int cost = (a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1;
				d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
				if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
					d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
				}
			}
		}
		return d[a.length()][b.length()];
	}

}
