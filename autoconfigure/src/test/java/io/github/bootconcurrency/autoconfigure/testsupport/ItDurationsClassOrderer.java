package io.github.bootconcurrency.autoconfigure.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Orders the integration-test classes so that the lanes that run them in parallel
 * ({@code it.parallelism}) end together: by what each took in a full build
 * ({@value #DURATIONS}), each class given in turn to the lane that is free first, the
 * longest first (longest processing time first, within a few percent of the best order).
 *
 * <p>
 * The order is written for how JUnit's fork-join executor takes the classes (seen in the
 * build's log, and what its {@code invokeAll} does): the thread that forks them runs them
 * from the end of the list, the pool's other threads take them from its start. So the
 * classes of that thread's lane go at the end, in reverse, and the others' at the start:
 * each lane then runs its classes longest first. In the build of 2026-12-05
 * (autoconfigure 465 s of ITs, sample-app 574 s) this order gives 439 s and 572 s by that
 * model, which replays the build's own order to the second; a plain longest-first list
 * would give 470 s and 657 s, as that thread would run the shortest first.
 */
public final class ItDurationsClassOrderer implements ClassOrderer {

	/**
	 * The resource with the durations, in seconds, by class name.
	 */
	public static final String DURATIONS = "it-durations.properties";

	/**
	 * What a class not in the list counts for, in seconds: about the median.
	 */
	static final double UNKNOWN = 60;

	private static final String PARALLELISM = "junit.jupiter.execution.parallel.config.fixed.parallelism";

	@Override
	public void orderClasses(ClassOrdererContext context) {
		int parallelism = context.getConfigurationParameter(PARALLELISM).map(Integer::parseInt).orElse(1);
		Map<String, Double> durations = durations();
		// An @Isolated class runs alone, after the others: it takes no lane.
		List<String> names = context.getClassDescriptors()
			.stream()
			.filter((descriptor) -> !descriptor.isAnnotated(Isolated.class))
			.map((descriptor) -> descriptor.getTestClass().getName())
			.toList();
		List<String> order = new ArrayList<>(order(names, durations, parallelism));
		context.getClassDescriptors()
			.stream()
			.filter((descriptor) -> descriptor.isAnnotated(Isolated.class))
			.forEach((descriptor) -> order.add(descriptor.getTestClass().getName()));
		Map<String, Integer> position = new HashMap<>();
		for (int i = 0; i < order.size(); i++) {
			position.put(order.get(i), i);
		}
		context.getClassDescriptors()
			.sort(Comparator
				.comparingInt((ClassDescriptor descriptor) -> position.get(descriptor.getTestClass().getName())));
	}

	/**
	 * Return the classes in the order to list them.
	 * @param classes the classes' names
	 * @param durations what each took, in seconds
	 * @param parallelism how many run at once
	 * @return the order
	 */
	static List<String> order(List<String> classes, Map<String, Double> durations, int parallelism) {
		List<String> longestFirst = new ArrayList<>(classes);
		longestFirst.sort(Comparator.comparingDouble((String name) -> -duration(name, durations))
			.thenComparing(Comparator.naturalOrder()));
		if (parallelism <= 1) {
			return longestFirst;
		}
		double[] lanes = new double[parallelism];
		List<String> start = new ArrayList<>();
		List<String> end = new ArrayList<>();
		for (String name : longestFirst) {
			int free = 0;
			for (int lane = 1; lane < parallelism; lane++) {
				if (lanes[lane] < lanes[free]) {
					free = lane;
				}
			}
			lanes[free] += duration(name, durations);
			// Lane 0 is the forking thread's, which runs from the end of the list.
			((free == 0) ? end : start).add(name);
		}
		Collections.reverse(end);
		start.addAll(end);
		return start;
	}

	/**
	 * Return when the last lane ends, by the model above: the list's start taken by the
	 * pool's threads, its end by the forking thread, each as it is free.
	 * @param order the classes as listed
	 * @param durations what each took, in seconds
	 * @param parallelism how many run at once
	 * @return the seconds until every class ran
	 */
	static double makespan(List<String> order, Map<String, Double> durations, int parallelism) {
		List<String> left = new ArrayList<>(order);
		double[] lanes = new double[parallelism];
		while (!left.isEmpty()) {
			int free = 0;
			for (int lane = 1; lane < parallelism; lane++) {
				if (lanes[lane] < lanes[free]) {
					free = lane;
				}
			}
			String name = (free == 0) ? left.remove(left.size() - 1) : left.remove(0);
			lanes[free] += duration(name, durations);
		}
		double last = 0;
		for (double lane : lanes) {
			last = Math.max(last, lane);
		}
		return last;
	}

	private static double duration(String name, Map<String, Double> durations) {
		return durations.getOrDefault(name, UNKNOWN);
	}

	/**
	 * Return the durations of every {@value #DURATIONS} on the class path (the
	 * autoconfigure module's test jar holds the sample app's too).
	 * @return seconds by class name
	 */
	static Map<String, Double> durations() {
		return durations(DURATIONS);
	}

	/**
	 * Return the durations of every resource of a name on the class path.
	 * @param resource the resource's name
	 * @return seconds by class name
	 */
	static Map<String, Double> durations(String resource) {
		Map<String, Double> durations = new LinkedHashMap<>();
		try {
			Enumeration<URL> resources = ItDurationsClassOrderer.class.getClassLoader().getResources(resource);
			while (resources.hasMoreElements()) {
				Properties properties = new Properties();
				try (InputStream in = resources.nextElement().openStream()) {
					properties.load(in);
				}
				properties.forEach((name, seconds) -> durations.putIfAbsent((String) name,
						Double.parseDouble(((String) seconds).trim())));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return durations;
	}

}
