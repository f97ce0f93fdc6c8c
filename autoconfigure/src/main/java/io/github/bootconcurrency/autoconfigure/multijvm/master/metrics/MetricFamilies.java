package io.github.bootconcurrency.autoconfigure.multijvm.master.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One Prometheus text exposition (format 0.0.4) made of several: every worker's, each
 * sample labelled with the worker's slot, and the master's own series.
 *
 * <p>
 * Design: the format wants every sample of a metric family in one group, after at most
 * one {@code HELP} and one {@code TYPE} line, and Prometheus rejects a scrape that
 * repeats them. So the lines are grouped by family as they are read, the first
 * exposition's {@code HELP} and {@code TYPE} kept and the others' dropped, and the
 * samples of every exposition appended to their family in the order they came. A family
 * is named by its {@code HELP} or {@code TYPE} line, or by its first sample's name when
 * it has neither.
 */
public final class MetricFamilies {

	/**
	 * The label that names the worker a sample came from: its slot, which its
	 * replacements keep.
	 */
	public static final String WORKER_LABEL = "worker";

	private final Map<String, Family> families = new LinkedHashMap<>();

	/**
	 * Add an exposition's families, each of its samples labelled.
	 * @param exposition the exposition, in the text format 0.0.4
	 * @param labelName the label to add to every sample
	 * @param labelValue its value
	 */
	public void addExposition(String exposition, @Nullable String labelName, @Nullable String labelValue) {
		Family current = null;
		for (String line : exposition.split("\n")) {
			if (line.isBlank()) {
				continue;
			}
			if (line.startsWith("#")) {
				String[] words = line.split(" ", 4);
				if (words.length >= 3 && (words[1].equals("HELP") || words[1].equals("TYPE"))) {
					if (current == null || !current.name.equals(words[2])) {
						current = family(words[2]);
					}
					current.header(words[1], line);
				}
				continue;
			}
			String name = sampleName(line);
			if (current == null || !belongsTo(name, current.name)) {
				current = family(name);
			}
			current.samples.add(labelled(line, name, labelName, labelValue));
		}
	}

	/**
	 * Add one sample of the master's own, with no worker label.
	 * @param name the family's name, with {@code _total} for a counter
	 * @param type {@code counter} or {@code gauge}
	 * @param help what it counts
	 * @param labels the sample's labels, in order
	 * @param value its value
	 */
	public void add(String name, String type, String help, Map<String, String> labels, double value) {
		add(name, "", type, help, labels, value);
	}

	/**
	 * Add one sample of the master's own, with no worker label, to a family whose samples
	 * are named apart from it, as a histogram's are.
	 * @param name the family's name
	 * @param suffix what the sample's name adds to the family's: {@code _bucket},
	 * {@code _count}, {@code _sum}, or nothing
	 * @param type {@code counter}, {@code gauge} or {@code histogram}
	 * @param help what it counts
	 * @param labels the sample's labels, in order
	 * @param value its value
	 */
	public void add(String name, String suffix, String type, String help, Map<String, String> labels, double value) {
		Family family = family(name);
		family.header("HELP", "# HELP " + name + " " + help);
		family.header("TYPE", "# TYPE " + name + " " + type);
		StringBuilder sample = new StringBuilder(name).append(suffix);
		if (!labels.isEmpty()) {
			List<String> pairs = new ArrayList<>();
			labels.forEach((label, labelValue) -> pairs.add(label + "=\"" + escape(labelValue) + "\""));
			sample.append('{').append(String.join(",", pairs)).append('}');
		}
		family.samples.add(sample.append(' ').append(value).toString());
	}

	/**
	 * Return the exposition's lines, family by family.
	 * @return the lines
	 */
	public List<String> lines() {
		List<String> lines = new ArrayList<>();
		for (Family family : this.families.values()) {
			lines.addAll(family.headers.values());
			lines.addAll(family.samples);
		}
		return lines;
	}

	private Family family(String name) {
		return this.families.computeIfAbsent(name, Family::new);
	}

	private static String sampleName(String line) {
		int end = 0;
		while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
			end++;
		}
		return line.substring(0, end);
	}

	/**
	 * Whether a sample is one of a family's: a histogram's or a summary's come as
	 * {@code _bucket}, {@code _count}, {@code _sum}; the others share its name.
	 */
	private static boolean belongsTo(String sample, String family) {
		return sample.equals(family) || (sample.startsWith(family) && switch (sample.substring(family.length())) {
			case "_bucket", "_count", "_sum", "_created", "_gcount", "_gsum", "_total" -> true;
			default -> false;
		});
	}

	private static String labelled(String line, String name, @Nullable String labelName, @Nullable String labelValue) {
		if (labelName == null) {
			return line;
		}
		String label = labelName + "=\"" + escape(labelValue) + "\"";
		String rest = line.substring(name.length());
		if (rest.startsWith("{}")) {
			return name + "{" + label + rest.substring(1);
		}
		if (rest.startsWith("{")) {
			return name + "{" + label + "," + rest.substring(1);
		}
		return name + "{" + label + "}" + rest;
	}

	private static String escape(String value) {
		return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
	}

	private static final class Family {

		private final String name;

		private final Map<String, String> headers = new LinkedHashMap<>();

		private final List<String> samples = new ArrayList<>();

		Family(String name) {
			this.name = name;
		}

		void header(String kind, String line) {
			this.headers.putIfAbsent(kind, line);
		}

	}

}
