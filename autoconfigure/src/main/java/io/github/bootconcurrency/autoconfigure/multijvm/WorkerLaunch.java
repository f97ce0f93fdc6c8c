package io.github.bootconcurrency.autoconfigure.multijvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line of a worker: the master's own java binary, JVM options, class path or
 * jar, main class and arguments, minus debug agents, plus the configured
 * {@code jvm-args} and the arguments that make the process a worker.
 *
 * <p>
 * The master's command line is read from the operating system
 * ({@link ProcessHandle.Info#arguments()}), not rebuilt from the JVM's view of it, so
 * that options that came from {@code JAVA_TOOL_OPTIONS} are not passed twice: the
 * worker inherits the environment variable itself.
 */
final class WorkerLaunch {

	private final String java;

	private final List<String> jvmOptions;

	private final List<String> main;

	private final List<String> arguments;

	WorkerLaunch(String java, List<String> jvmOptions, List<String> main, List<String> arguments) {
		this.java = java;
		this.jvmOptions = List.copyOf(jvmOptions);
		this.main = List.copyOf(main);
		this.arguments = List.copyOf(arguments);
	}

	/**
	 * Read the current process's command line.
	 * @return the launch
	 */
	static WorkerLaunch ofCurrentProcess() {
		ProcessHandle.Info info = ProcessHandle.current().info();
		String java = info.command().orElse(System.getProperty("java.home") + "/bin/java");
		List<String> argv = procCmdline().orElseGet(() -> info.arguments().map(List::of).orElse(List.of()));
		String command = System.getProperty("sun.java.command", "");
		String mainToken = command.isEmpty() ? "" : command.split(" ")[0];
		return parse(java, argv, mainToken, System.getProperty("java.class.path"));
	}

	/**
	 * Linux's own record of the command line: {@link ProcessHandle.Info#arguments()} comes
	 * back empty when the command line is long, as a full class path makes it.
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
		List<String> options = new ArrayList<>();
		List<String> main = new ArrayList<>();
		int i = 0;
		for (; i < argv.size(); i++) {
			String argument = argv.get(i);
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
			if (!isDebugAgent(argument)) {
				options.add(argument);
			}
		}
		if (main.isEmpty()) {
			throw new IllegalStateException("Cannot tell the main class or jar from this process's command line "
					+ argv + ": the multi-jvm master needs it to start its workers");
		}
		return new WorkerLaunch(java, options, main, argv.subList(i, argv.size()));
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
		List<String> command = new ArrayList<>();
		command.add(this.java);
		command.addAll(this.jvmOptions);
		command.addAll(jvmArgs);
		command.addAll(this.main);
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
