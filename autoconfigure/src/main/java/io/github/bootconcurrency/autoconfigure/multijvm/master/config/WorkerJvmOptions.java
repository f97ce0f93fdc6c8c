package io.github.bootconcurrency.autoconfigure.multijvm.master.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;
import io.github.bootconcurrency.autoconfigure.validation.SettingsChecks;
import io.github.bootconcurrency.autoconfigure.validation.Violation;

import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The JVM options that every worker gets, made fit for several JVMs at once: an option
 * that names a file the JVM writes (a heap dump, a flight recording, a GC or VM log, a
 * crash report) gets a file name of each worker's own, and an option that makes the JVM
 * listen on a fixed port, which only one JVM can, is refused before any worker starts.
 *
 * <p>
 * Where the JVM expands {@code %p} to its pid in a file name on every Java version the
 * starter runs on ({@code -Xlog:…:file=}, {@code -Xloggc:}, {@code -XX:ErrorFile=},
 * {@code -XX:LogFile=}), that is what is added; {@code -XX:HeapDumpPath=} and
 * {@code -XX:StartFlightRecording=…filename=} expand it only on later versions, so they
 * get the worker's id ({@code -worker<id>}). A name with a {@code %p} of its own, or a
 * directory (where the JVM chooses a name with the pid), is left as it is.
 */
public final class WorkerJvmOptions {

	// The launcher's options that end the JVM's, take the next argument, or make it print
	// and exit (the master would be gone, with status 0): the master's command line has
	// its own.
	private static final List<String> NOT_MASTER_OPTIONS = List.of("-jar", "-cp", "-classpath", "--class-path", "-m",
			"--module", "-p", "--module-path", "--source", "-version", "--version", "--dry-run", "-h", "-help",
			"--help", "-?", "-X", "--help-extra", "--list-modules", "--validate-modules", "--describe-module", "-d");

	private static final List<String> NOT_MASTER_OPTION_PREFIXES = List.of("--module=", "--class-path=",
			"--module-path=", "--describe-module=", "-Dio.github.bootconcurrency.master-jvm-options");

	private static final String PID = "%p";

	private static final Pattern XLOG_FILE = Pattern.compile("^(-Xlog:[^:]*:(?:file=)?)(\"[^\"]*\"|[^:]*)(.*)$");

	private static final Pattern FLIGHT_RECORDING_FILE = Pattern
		.compile("^(-XX:StartFlightRecording[=:](?:.*,)?filename=)([^,]*)(.*)$");

	private static final List<String> PID_EXPANDED = List.of("-Xloggc:", "-XX:ErrorFile=", "-XX:LogFile=");

	private static final Pattern FIXED_PORT = Pattern
		.compile("^-Dcom\\.sun\\.management\\.jmxremote(\\.rmi)?\\.port=\\s*(\\d+)\\s*$");

	private static final Pattern JDWP_ADDRESS = Pattern
		.compile("^(?:-agentlib:jdwp=|-Xrunjdwp:|-agentpath:[^=]*jdwp[^=]*=)(?:.*,)?address=([^,]*)");

	private WorkerJvmOptions() {
	}

	/**
	 * Return an option as one worker gets it: with a file name of its own if it names a
	 * file the JVM writes.
	 * @param option the option
	 * @param workerId the worker's id
	 * @return the option for that worker
	 */
	public static String forWorker(String option, int workerId) {
		for (String prefix : PID_EXPANDED) {
			if (option.startsWith(prefix)) {
				return prefix + ownName(option.substring(prefix.length()), PID);
			}
		}
		if (option.startsWith("-XX:HeapDumpPath=")) {
			return "-XX:HeapDumpPath=" + ownName(option.substring("-XX:HeapDumpPath=".length()), "worker" + workerId);
		}
		Matcher xlog = XLOG_FILE.matcher(option);
		if (xlog.matches() && !List.of("", "stdout", "stderr").contains(xlog.group(2))) {
			String file = xlog.group(2);
			boolean quoted = file.startsWith("\"") && file.endsWith("\"") && file.length() > 1;
			String name = ownName(quoted ? file.substring(1, file.length() - 1) : file, PID);
			return xlog.group(1) + (quoted ? "\"" + name + "\"" : name) + xlog.group(3);
		}
		Matcher recording = FLIGHT_RECORDING_FILE.matcher(option);
		if (recording.matches()) {
			return recording.group(1) + ownName(recording.group(2), "worker" + workerId) + recording.group(3);
		}
		return option;
	}

	/**
	 * Return options as one worker gets them.
	 * @param options the options
	 * @param workerId the worker's id
	 * @return the options for that worker
	 */
	static List<String> forWorker(List<String> options, int workerId) {
		return options.stream().map((option) -> forWorker(option, workerId)).toList();
	}

	/**
	 * Return why workers cannot share an option, if they cannot.
	 * @param option the option
	 * @return the reason, or empty if every worker can have it
	 */
	static Optional<String> unshareable(String option) {
		Matcher jmx = FIXED_PORT.matcher(option);
		if (jmx.matches() && !jmx.group(2).equals("0")) {
			return Optional.of(option + " is a fixed port, which only one JVM can listen on, and every worker would "
					+ "get it: give the JMX agent port 0 (each JVM then takes a port of its own), or reach the "
					+ "workers with jcmd or the attach API");
		}
		Matcher jdwp = JDWP_ADDRESS.matcher(option);
		if (jdwp.find() && option.contains("server=y") && !jdwp.group(1).matches("(.*:)?0")) {
			return Optional.of(option + " is a fixed port, which only one JVM can listen on, and every worker would "
					+ "get it: give the debug agent address 0 (each JVM then takes a port of its own), or debug the "
					+ "master alone with -agentlib:jdwp on its command line, which workers are not given");
		}
		return Optional.empty();
	}

	/**
	 * Return an environment variable of JVM options ({@code JAVA_TOOL_OPTIONS},
	 * {@code JDK_JAVA_OPTIONS}), which a worker inherits, as that worker gets it.
	 * @param value the variable's value
	 * @param workerId the worker's id
	 * @return the value for that worker, or empty if it is the same, or holds quotes,
	 * which the JVM reads in a way this does not rewrite
	 */
	public static Optional<String> forWorkerVariable(String value, int workerId) {
		if (value.indexOf('"') >= 0 || value.indexOf('\'') >= 0) {
			return Optional.empty();
		}
		List<String> options = split(value);
		List<String> rewritten = forWorker(options, workerId);
		return rewritten.equals(options) ? Optional.empty() : Optional.of(String.join(" ", rewritten));
	}

	/**
	 * Return every option that workers cannot share, each with why.
	 * @param options the options
	 * @return the reasons, in the options' order
	 */
	public static List<String> unshareable(List<String> options) {
		List<String> reasons = new ArrayList<>();
		for (String option : options) {
			unshareable(option).ifPresent(reasons::add);
		}
		return reasons;
	}

	/**
	 * Check the configured {@code jvm-args}, which only the workers get, as a reload does
	 * too.
	 * @param jvmArgs the options
	 * @param environment where they are configured
	 * @param checks where an option workers cannot share is reported
	 */
	static void check(List<String> jvmArgs, ConfigurableEnvironment environment, SettingsChecks checks) {
		String key = "concurrency.multi-jvm.jvm-args";
		for (String option : jvmArgs) {
			unshareable(option)
				.ifPresent((reason) -> checks.add(Violation.notAllowed(ConfiguredValue.find(environment, key), key,
						option, "options every worker can have: " + reason)));
		}
	}

	/**
	 * Check the configured {@code master-jvm-args}: JVM options, each on its own, which
	 * go before the main class or jar of the master's command line.
	 * @param options the options
	 * @param environment where they are configured
	 * @param checks where an option that is none is reported
	 */
	static void checkMasterOptions(List<String> options, ConfigurableEnvironment environment, SettingsChecks checks) {
		String key = "concurrency.multi-jvm.master-jvm-args";
		for (String option : options) {
			if (!option.startsWith("-") || option.strip().length() != option.length()
					|| NOT_MASTER_OPTIONS.contains(option)
					|| NOT_MASTER_OPTION_PREFIXES.stream().anyMatch(option::startsWith)) {
				checks.add(Violation.notAllowed(ConfiguredValue.find(environment, key), key, option,
						"JVM options such as -Xmx64m or -XX:+UseSerialGC, each one element of the list, and "
								+ "none of the launcher's own: " + String.join(", ", NOT_MASTER_OPTIONS) + ", "
								+ String.join("..., ", NOT_MASTER_OPTION_PREFIXES) + "..."));
			}
		}
	}

	/**
	 * Return the options that an environment variable such as {@code JAVA_TOOL_OPTIONS}
	 * holds, split at white space as the JVM splits them.
	 * @param variable the variable's value
	 * @return the options
	 */
	public static List<String> split(String variable) {
		String trimmed = variable.strip();
		return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
	}

	private static boolean isDirectory(String file) {
		try {
			return Files.isDirectory(Path.of(file));
		}
		catch (RuntimeException ex) {
			// Not a path this JVM can read: the worker's JVM will say so.
			return false;
		}
	}

	private static String ownName(String file, String tag) {
		if (file.isEmpty() || file.contains(PID) || isDirectory(file)) {
			return file;
		}
		int slash = file.lastIndexOf('/');
		int dot = file.lastIndexOf('.');
		return (dot > slash + 1) ? file.substring(0, dot) + "-" + tag + file.substring(dot) : file + "-" + tag;
	}

}
