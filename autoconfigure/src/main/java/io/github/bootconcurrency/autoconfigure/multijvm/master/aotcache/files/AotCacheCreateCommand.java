package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.multijvm.master.argfile.ArgumentFileLines;

/**
 * The command of the JVM that creates the AOT cache from a recording
 * ({@code -XX:AOTMode=create}): the recording's class path, the jar as the workers run
 * it, and the options that shape what the cache maps.
 *
 * <p>
 * Two steps, not Java 25's one ({@code -XX:AOTCacheOutput}): in one step the exiting
 * worker starts a JVM of its own to create the cache, handing it every {@code -D} option
 * in {@code JAVA_TOOL_OPTIONS}, which that JVM prints ("Picked up JAVA_TOOL_OPTIONS"),
 * and the worker's token and forwarding secret are {@code -D} options: they would reach
 * the master's log. The creation is also the master's then, bounded in time, and not cut
 * short by the kill of a worker that overran its graceful timeout.
 */
public final class AotCacheCreateCommand {

	private static final String COLLECTORS = "-XX:\\+Use(Serial|Parallel|ParallelOld|G1|Z|Shenandoah|Epsilon|ConcMarkSweep)GC";

	private static final Pattern COLLECTOR = Pattern.compile(COLLECTORS);

	/**
	 * The options that shape what a cache maps, and which the JVM that creates it must
	 * share with the workers: the collector, the heap's size and compressed pointers
	 * (which follow it), the object layout, and what unlocks them. Nothing else: a system
	 * property may hold a secret and the command line shows in {@code ps}, and an agent,
	 * a log or a recording file named in an option is the workers'.
	 */
	private static final Pattern SHAPES_THE_CACHE = Pattern.compile(
			"-Xm[xs].+|" + COLLECTORS + "|-XX:[+-]UseCompressed(Oops|ClassPointers)|-XX:[+-]UseCompactObjectHeaders"
					+ "|-XX:ObjectAlignmentInBytes=.+|-XX:(Max|Initial|Min)HeapSize=.+|-XX:[+-]Unlock\\w+Options");

	private AotCacheCreateCommand() {
	}

	/**
	 * Return whether a workers' option shapes what a cache maps, so that the creation
	 * runs with it and the cache's key counts it.
	 * @param option the option
	 * @return whether it shapes the cache
	 */
	public static boolean shapesTheCache(String option) {
		return SHAPES_THE_CACHE.matcher(option).matches();
	}

	/**
	 * Return the options of the workers' that the creation runs with: those that shape
	 * the cache, and one collector, the last chosen (two make the JVM exit), or the one
	 * the workers' JVM picks if they name none.
	 * @param jvmOptions the workers' JVM options, as a worker gets them
	 * @return the options
	 */
	static List<String> options(List<String> jvmOptions) {
		List<String> shaping = jvmOptions.stream()
			.filter((option) -> SHAPES_THE_CACHE.matcher(option).matches())
			.toList();
		String collector = null;
		for (String option : shaping) {
			if (COLLECTOR.matcher(option).matches()) {
				collector = option;
			}
		}
		List<String> options = new ArrayList<>();
		for (String option : shaping) {
			if (!COLLECTOR.matcher(option).matches() || (option.equals(collector) && !options.contains(option))) {
				options.add(option);
			}
		}
		if (collector == null) {
			options.add(ergonomicCollector(Runtime.getRuntime().availableProcessors(), physicalMemory()));
		}
		return options;
	}

	/**
	 * Return the collector a worker's JVM picks when its options name none, as HotSpot's
	 * ergonomics do: G1 on a server-class machine (2 processors, 1792 MB), else Serial.
	 * Named for the creation, whose one processor ({@link HelperJvms#OPTIONS}) would make
	 * it pick Serial where the workers pick G1: its options are meant to be the workers'
	 * own. (Java 25 still maps such a cache for a G1 worker, archived heap included, as a
	 * test with a small application showed.)
	 * @param processors the processors the workers see
	 * @param memory the memory they see, in bytes, or -1 if not known
	 * @return the collector's option
	 */
	static String ergonomicCollector(int processors, long memory) {
		boolean serverClass = processors >= 2 && (memory < 0 || memory >= 1792L * 1024 * 1024);
		return serverClass ? "-XX:+UseG1GC" : "-XX:+UseSerialGC";
	}

	private static long physicalMemory() {
		try {
			// Within a container's limit, as the workers' JVM sees it.
			return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
				.getTotalMemorySize();
		}
		catch (RuntimeException ex) {
			return -1;
		}
	}

	/**
	 * Create the cache into a file of its own, moved into place whole. The command's
	 * arguments go in an argument file in the private directory ({@code java @file}), as
	 * the workers' do: an option of {@code jvm-args} may hold a URL with a token
	 * ({@code -XX:OnOutOfMemoryError}), and a command line shows in {@code ps}.
	 * @param commands what runs the creation's JVM
	 * @param command the creation's command, writing the cache to the file given
	 * @param directory the store's directory
	 * @param timeout how long the creation may take
	 * @return the cache's size
	 * @throws IOException if it failed; nothing of it is left
	 */
	static long run(BoundedCommand.Runner commands, Function<Path, List<String>> command, Path directory,
			Duration timeout) throws IOException {
		// Of this master and this moment: no other creation writes to it.
		String name = ProcessHandle.current().pid() + "-" + System.nanoTime();
		Path partial = directory.resolve(AotCacheDirectory.CACHE + ".creating-" + name);
		Path arguments = directory.resolve("create-" + name + ".args");
		try {
			List<String> full = command.apply(partial);
			Files.write(arguments, ArgumentFileLines.of(full.subList(1, full.size())));
			BoundedCommand.Result result = commands.run(List.of(full.get(0), "@" + arguments), timeout);
			if (result.exitCode() != 0 || !PrivateDirectory.nonEmpty(partial)) {
				throw new IOException("the JVM ended with status " + result.exitCode() + ":\n" + result.tail());
			}
			// Before the move: a refusal may delete the cache as soon as it is there.
			long size = Files.size(partial);
			Files.move(partial, directory.resolve(AotCacheDirectory.CACHE), StandardCopyOption.ATOMIC_MOVE);
			return size;
		}
		catch (IOException | RuntimeException ex) {
			PrivateDirectory.delete(partial);
			throw ex;
		}
		finally {
			PrivateDirectory.delete(arguments);
		}
	}

	static List<String> of(String java, List<String> options, Path recording, Path cache, Path jar) {
		List<String> command = new ArrayList<>(List.of(java));
		command.addAll(HelperJvms.OPTIONS);
		command.addAll(options);
		command.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + recording, "-XX:AOTCache=" + cache,
				"-cp", jar.toString()));
		return command;
	}

}
