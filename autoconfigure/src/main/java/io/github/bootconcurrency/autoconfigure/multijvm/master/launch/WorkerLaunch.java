package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.multijvm.master.config.WorkerJvmOptions;
import org.jspecify.annotations.Nullable;

/**
 * The command line of a worker: the master's own java binary, JVM options, class path or
 * jar, main class and arguments, minus debug agents, plus the configured {@code jvm-args}
 * and the arguments that make the process a worker.
 *
 * <p>
 * The master's command line is read from the operating system
 * ({@link ProcessHandle.Info#arguments()}), not rebuilt from the JVM's view of it, so
 * that options that came from {@code JAVA_TOOL_OPTIONS} are not passed twice: the worker
 * inherits the environment variable itself.
 *
 * <p>
 * The command holds the master's arguments, which may carry secrets
 * ({@code --spring.data.redis.password=…}, {@code -D…}), so it never goes into a message;
 * and a worker is started with all of it but the java binary in a private argument file
 * (see {@link WorkerArgumentFiles}), so that {@code ps} shows none of it. The master's
 * own argument files ({@code @file} before the main class) stay on the command line: the
 * launcher does not expand one named inside another.
 */
public final class WorkerLaunch {

	/**
	 * The system property that a master's own JVM (see {@code MasterJvm}) has on its
	 * command line, its value the number of arguments that follow it there, which were
	 * added for the master: the workers run without them.
	 */
	public static final String MASTER_JVM_OPTIONS = "io.github.bootconcurrency.master-jvm-options";

	private final String java;

	private final List<String> argumentFiles;

	private final List<String> jvmOptions;

	private final List<String> main;

	private static final Pattern COLLECTOR = Pattern
		.compile("-XX:\\+Use(Serial|Parallel|ParallelOld|G1|Z|Shenandoah|Epsilon|ConcMarkSweep)GC");

	private final List<String> arguments;

	private final String inheritedOptions;

	// The command line as the process got it, and where the main class or jar starts in
	// it: the master's own JVM runs it again with its options inserted there.
	private final List<String> argv;

	private final int mainStart;

	WorkerLaunch(String java, List<String> argumentFiles, List<String> jvmOptions, List<String> main,
			List<String> arguments, String inheritedOptions) {
		this(java, argumentFiles, jvmOptions, main, arguments, inheritedOptions, List.of(), 0);
	}

	private WorkerLaunch(String java, List<String> argumentFiles, List<String> jvmOptions, List<String> main,
			List<String> arguments, String inheritedOptions, List<String> argv, int mainStart) {
		this.java = java;
		this.argumentFiles = List.copyOf(argumentFiles);
		this.jvmOptions = List.copyOf(jvmOptions);
		this.main = List.copyOf(main);
		this.arguments = List.copyOf(arguments);
		this.inheritedOptions = inheritedOptions;
		this.argv = List.copyOf(argv);
		this.mainStart = mainStart;
	}

	/**
	 * Return this launch with the JVM options that workers inherit through the
	 * environment, which the command line must not contradict.
	 * @param inheritedOptions the options, as {@code JAVA_TOOL_OPTIONS} and
	 * {@code JDK_JAVA_OPTIONS} hold them
	 * @return the launch
	 */
	WorkerLaunch inheriting(String inheritedOptions) {
		return new WorkerLaunch(this.java, this.argumentFiles, this.jvmOptions, this.main, this.arguments,
				inheritedOptions, this.argv, this.mainStart);
	}

	/**
	 * Return whether this JVM is a master's own, started again with its options.
	 * @return whether it is
	 */
	public static boolean runsInMasterJvm() {
		return System.getProperty(MASTER_JVM_OPTIONS) != null;
	}

	/**
	 * Return why this process cannot run again as the master in a JVM of its own, or
	 * empty if it can: a debugger's session would be cut (an IDE's, which listens once,
	 * could not be joined again), and a module's main class is not where the options go.
	 * @return the reason
	 */
	public Optional<String> masterJvmUnsupported() {
		List<String> options = this.argv.subList(0, this.mainStart);
		if (options.stream().anyMatch(WorkerLaunch::isDebugAgent)) {
			return Optional.of("a debugger is attached (-agentlib:jdwp), whose session would end");
		}
		if (options.stream()
			.anyMatch((option) -> option.equals("-m") || option.equals("--module") || option.startsWith("--module="))) {
			return Optional.of("it was launched as a module (-m), which the master does not start again");
		}
		return Optional.empty();
	}

	/**
	 * Return the command that runs this process again as the master, in a JVM of its own:
	 * the same command line with the given arguments after its own options, so that they
	 * win, named by a count so that the workers' launch leaves them out. Or, to check
	 * that a JVM starts with them, a command that runs nothing: {@code -version} in place
	 * of the main class or jar, debug agents left out.
	 * @param inserted what to insert: the master's options, or an argument file of them
	 * @param check whether to return the check's command
	 * @return the command, the java binary first
	 */
	public List<String> masterJvmCommand(List<String> inserted, boolean check) {
		List<String> command = new ArrayList<>();
		command.add(this.java);
		this.argv.subList(0, this.mainStart)
			.stream()
			.filter((option) -> !(check && isDebugAgent(option)))
			.forEach(command::add);
		command.add("-D" + MASTER_JVM_OPTIONS + "=" + inserted.size());
		command.addAll(inserted);
		command.addAll(check ? List.of("-version") : this.argv.subList(this.mainStart, this.argv.size()));
		return command;
	}

	/**
	 * Read the current process's command line.
	 * @return the launch
	 */
	public static WorkerLaunch ofCurrentProcess() {
		ProcessHandle.Info info = ProcessHandle.current().info();
		String java = info.command().orElse(System.getProperty("java.home") + "/bin/java");
		List<String> argv = procCmdline().orElseGet(() -> info.arguments().map(List::of).orElse(List.of()));
		String command = System.getProperty("sun.java.command", "");
		String mainToken = command.isEmpty() ? "" : command.split(" ")[0];
		return parse(java, argv, mainToken, System.getProperty("java.class.path"))
			.inheriting(System.getenv().getOrDefault("JAVA_TOOL_OPTIONS", "") + " "
					+ System.getenv().getOrDefault("JDK_JAVA_OPTIONS", ""));
	}

	/**
	 * Linux's own record of the command line: {@link ProcessHandle.Info#arguments()}
	 * comes back empty when the command line is long, as a full class path makes it.
	 */
	private static Optional<List<String>> procCmdline() {
		Path cmdline = Path.of("/proc/self/cmdline");
		try {
			if (!Files.isReadable(cmdline)) {
				return Optional.empty();
			}
			String[] parts = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).split("\0");
			return (parts.length > 1) ? Optional.of(List.of(parts).subList(1, parts.length)) : Optional.empty();
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	static WorkerLaunch parse(String java, List<String> argv, String mainToken, String classPath) {
		List<String> argumentFiles = new ArrayList<>();
		List<String> options = new ArrayList<>();
		List<String> main = new ArrayList<>();
		int i = 0;
		int mainStart = 0;
		for (; i < argv.size(); i++) {
			String argument = argv.get(i);
			mainStart = i;
			if (argument.startsWith("-D" + MASTER_JVM_OPTIONS + "=")) {
				// The master's own: not the workers'.
				i += Integer.parseInt(argument.substring(argument.indexOf('=') + 1));
				continue;
			}
			if (argument.equals("-jar") && i + 1 < argv.size()) {
				main.add("-jar");
				main.add(argv.get(++i));
				i++;
				break;
			}
			if ((argument.equals("-cp") || argument.equals("-classpath") || argument.equals("--class-path"))
					&& i + 1 < argv.size()) {
				i++;
				continue;
			}
			if (!argument.startsWith("-") && argument.equals(mainToken)) {
				main.addAll(List.of("-cp", classPath, argument));
				i++;
				break;
			}
			if (argument.startsWith("@")) {
				argumentFiles.add(argument);
			}
			else if (!isDebugAgent(argument)) {
				options.add(argument);
			}
		}
		if (main.isEmpty()) {
			// The arguments' count, not their values: they may hold a password.
			throw new IllegalStateException("Cannot tell the main class or jar from this process's command line ("
					+ argv.size() + " argument(s) after " + java + ", none of them "
					+ (mainToken.isEmpty() ? "a -jar option" : "'" + mainToken + "' or a -jar option")
					+ "): the multi-jvm master needs it to start its workers");
		}
		return new WorkerLaunch(java, argumentFiles, options, main, argv.subList(i, argv.size()), "", argv, mainStart);
	}

	/**
	 * Return the java binary the workers run: the master's own.
	 * @return the binary
	 */
	public String java() {
		return this.java;
	}

	/**
	 * Return the application's jar, if the master was started with {@code java -jar}.
	 * @return the jar, absolute, or empty for a main class on a class path
	 */
	public Optional<Path> jar() {
		return (this.main.size() == 2 && this.main.get(0).equals("-jar"))
				? Optional.of(Path.of(this.main.get(1)).toAbsolutePath()) : Optional.empty();
	}

	/**
	 * Return every JVM option a worker runs with before {@code jvm-args}: the master's
	 * own command line's (debug agents left out), then those it inherits through
	 * {@code JAVA_TOOL_OPTIONS} and {@code JDK_JAVA_OPTIONS}. The AOT cache is keyed by
	 * them and is off when one of them manages class data sharing already.
	 * @return the options
	 */
	public List<String> jvmOptions() {
		List<String> options = new ArrayList<>(this.jvmOptions);
		options.addAll(WorkerJvmOptions.split(this.inheritedOptions));
		return List.copyOf(options);
	}

	/**
	 * Return the JVM options a worker runs with, as {@link #command} resolves them: the
	 * inherited ones (which the JVM reads first), then the command line's and
	 * {@code jvmArgs}, with the one collector the worker ends with. For the JVM that
	 * creates the AOT cache, which must share the workers' collector and heap.
	 * @param jvmArgs the configured {@code jvm-args}
	 * @return the options
	 */
	public List<String> workerJvmOptions(List<String> jvmArgs) {
		List<String> options = new ArrayList<>(WorkerJvmOptions.split(this.inheritedOptions));
		options.addAll(options(0, jvmArgs));
		return List.copyOf(options);
	}

	private List<String> options(int workerId, List<String> jvmArgs) {
		List<String> options = new ArrayList<>();
		// A JVM given two collectors does not start: a collector in jvm-args replaces the
		// master's own, and one in the inherited environment replaces jvm-args'.
		boolean argsChooseCollector = jvmArgs.stream().anyMatch(WorkerLaunch::choosesCollector);
		this.jvmOptions.stream()
			.filter((option) -> !(argsChooseCollector && choosesCollector(option)))
			.map((option) -> (workerId > 0) ? WorkerJvmOptions.forWorker(option, workerId) : option)
			.forEach(options::add);
		boolean environmentChoosesCollector = COLLECTOR.matcher(this.inheritedOptions).find();
		jvmArgs.stream()
			.filter((option) -> !(environmentChoosesCollector && choosesCollector(option)))
			.map((option) -> (workerId > 0) ? WorkerJvmOptions.forWorker(option, workerId) : option)
			.forEach(options::add);
		return options;
	}

	/**
	 * Return how many of the first elements of a {@link #command command} must stay on
	 * the worker's command line rather than go into its argument file: the java binary
	 * and the master's own argument files.
	 * @return the count
	 */
	int commandLinePrefix() {
		return 1 + this.argumentFiles.size();
	}

	/**
	 * Return why some of these JVM options are left out of every worker's command line,
	 * or empty if none is.
	 * @param jvmArgs the configured {@code jvm-args}
	 * @return the reason, for a warning
	 */
	Optional<String> leftOut(List<String> jvmArgs) {
		List<String> collectors = jvmArgs.stream().filter(WorkerLaunch::choosesCollector).toList();
		if (collectors.isEmpty() || !COLLECTOR.matcher(this.inheritedOptions).find()) {
			return Optional.empty();
		}
		return Optional.of("concurrency.multi-jvm.jvm-args chooses " + String.join(" ", collectors)
				+ ", but JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS chooses a garbage collector already, and a JVM "
				+ "given two does not start: workers keep the environment's choice");
	}

	/**
	 * Return why workers cannot run with some of the master's JVM options, those of its
	 * command line and those they inherit through the environment, each naming the option
	 * and where it comes from.
	 * @return the reasons, or none
	 */
	public List<String> unshareableOptions() {
		List<String> reasons = new ArrayList<>();
		WorkerJvmOptions.unshareable(this.jvmOptions)
			.forEach((reason) -> reasons.add("on the master's command line: " + reason));
		WorkerJvmOptions.unshareable(WorkerJvmOptions.split(this.inheritedOptions))
			.forEach((reason) -> reasons.add("in JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS: " + reason));
		return reasons;
	}

	private static boolean choosesCollector(String option) {
		return COLLECTOR.matcher(option).matches();
	}

	private static boolean isDebugAgent(String argument) {
		// Two JVMs cannot listen on one debug port: workers run without the debugger.
		return argument.startsWith("-agentlib:jdwp") || argument.startsWith("-Xrunjdwp") || argument.equals("-Xdebug");
	}

	/**
	 * Return the command that starts one worker.
	 * @param jvmArgs JVM options to add after the master's own, so that they win
	 * @param workerArguments arguments that make the process a worker, appended last so
	 * that they win
	 * @return the command
	 */
	List<String> command(List<String> jvmArgs, List<String> workerArguments) {
		return command(0, jvmArgs, workerArguments);
	}

	/**
	 * Return the command that starts one worker, with the files its JVM options name made
	 * its own (see {@link WorkerJvmOptions}).
	 * @param workerId the worker's id, or 0 to leave file names as they are
	 * @param jvmArgs JVM options to add after the master's own, so that they win
	 * @param workerArguments arguments that make the process a worker, appended last so
	 * that they win
	 * @return the command
	 */
	List<String> command(int workerId, List<String> jvmArgs, List<String> workerArguments) {
		return command(workerId, jvmArgs, workerArguments, null, List.of());
	}

	/**
	 * Return the command that starts one worker from another jar, such as the AOT cache's
	 * extracted one, with JVM options of its own.
	 * @param workerId the worker's id, or 0 to leave file names as they are
	 * @param jvmArgs JVM options to add after the master's own, so that they win
	 * @param workerArguments arguments that make the process a worker, appended last so
	 * that they win
	 * @param jar the jar to run instead of the application's, or {@code null}; only for a
	 * master started with {@code -jar}
	 * @param extraOptions JVM options added after {@code jvmArgs}
	 * @return the command
	 */
	List<String> command(int workerId, List<String> jvmArgs, List<String> workerArguments, @Nullable Path jar,
			List<String> extraOptions) {
		List<String> command = new ArrayList<>();
		command.add(this.java);
		command.addAll(this.argumentFiles);
		command.addAll(options(workerId, jvmArgs));
		command.addAll(extraOptions);
		if (jar != null && jar().isPresent()) {
			command.addAll(List.of("-jar", jar.toString()));
		}
		else {
			command.addAll(this.main);
		}
		// A key given twice on the command line binds as "a,b": drop the master's own
		// value of every key the worker's arguments set.
		List<String> overridden = workerArguments.stream()
			.map((argument) -> argument.substring(0, argument.indexOf('=') + 1))
			.toList();
		this.arguments.stream()
			.filter((argument) -> overridden.stream().noneMatch(argument::startsWith))
			.forEach(command::add);
		command.addAll(workerArguments);
		return command;
	}

}
