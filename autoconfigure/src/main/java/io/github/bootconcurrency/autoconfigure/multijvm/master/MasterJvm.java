package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmProperties;
import io.github.bootconcurrency.autoconfigure.multijvm.master.argfile.ArgumentFileLines;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.MasterLog;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerLaunch;
import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;
import io.github.bootconcurrency.autoconfigure.validation.InvalidSettingsException;
import io.github.bootconcurrency.autoconfigure.validation.Violation;

import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Gives the master a JVM sized for a supervisor rather than for the application: the JVM
 * that {@code java -jar app.jar} started has the application's heap, collector and JIT
 * (two thirds of a worker's memory, for a process whose work is to supervise and, behind
 * the proxy, to pass bytes on), so the master replaces its own process image with the
 * same command plus {@code concurrency.multi-jvm.master-jvm-args}, before it binds,
 * writes or starts anything.
 *
 * <p>
 * A replaced image, not a child: the process id, the parent, the standard streams and the
 * signals a supervisor sends stay the master's, and nothing is left to forward signals.
 * The options go in a private argument file (as the workers' do), named on the new
 * command line after a count so that the workers' launch leaves it out and the new image
 * does not replace itself again; the new image deletes it first. Since nothing of the
 * first image survives a JVM that will not start, a JVM is first started with the same
 * options and {@code -version}: if it fails, the default options are given up with one
 * line (the master then runs where it is: it costs memory, never the start), and options
 * the user set are a startup error naming the key and the JVM's reason.
 */
final class MasterJvm {

	static final String NATIVE = "io.github.bootconcurrency.autoconfigure.multijvm.master.NativeExec";

	/**
	 * The system property, set in the argument file, that names the file for the new
	 * image to delete.
	 */
	static final String OPTIONS_FILE = "io.github.bootconcurrency.master-jvm-options-file";

	private static final String KEY = "concurrency.multi-jvm.master-jvm-args";

	private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);

	private static final Pattern COLLECTOR = Pattern.compile("-XX:\\+Use(Serial|Parallel|G1|Z|Shenandoah|Epsilon)GC");

	private static final List<String> COLLECTORS = List.of("Serial", "Parallel", "G1", "Z", "Shenandoah", "Epsilon");

	private MasterJvm() {
	}

	/**
	 * Replace this process's image with the master's own JVM, unless it runs there
	 * already or the options are empty. Returns only if the image stays.
	 * @param options the master's JVM options
	 * @param launch this process's command line
	 * @param environment where the options are configured, for an error
	 * @param out the master's output
	 * @throws InvalidSettingsException if options the user set keep a JVM from starting
	 */
	static void replaceImage(List<String> options, WorkerLaunch launch, ConfigurableEnvironment environment,
			PrintStream out) {
		if (options.isEmpty() || WorkerLaunch.runsInMasterJvm() || !supportedHere()) {
			return;
		}
		Optional<String> unsupported = launch.masterJvmUnsupported().or(MasterJvm::nativeAccessMissing);
		if (unsupported.isPresent()) {
			stays(out, unsupported.get());
			return;
		}
		Path file;
		try {
			file = optionsFile(withoutCollectorIfChosen(options, collectorChosen()));
		}
		catch (IOException ex) {
			stays(out, "its options could not be written (" + ex.getMessage() + ")");
			return;
		}
		List<String> inserted = List.of("@" + file);
		Optional<String> refusal = check(launch.masterJvmCommand(inserted, true));
		if (refusal.isPresent()) {
			delete(file);
			if (!options.equals(new MultiJvmProperties().getMasterJvmArgs())) {
				throw new InvalidSettingsException(List.of(new Violation(KEY, options.size() + " option(s) not shown",
						ConfiguredValue.find(environment, KEY), "a JVM given them does not start: " + refusal.get(),
						"Change " + KEY + " to options this JVM starts with, or to [] for the master to run in "
								+ "the application's JVM.")),
						List.of(environment.getActiveProfiles()));
			}
			stays(out,
					"a JVM with the default " + KEY + " does not start with this command line (" + refusal.get() + ")");
			return;
		}
		MasterLog.println(out, "Starting again in a JVM of the master's own (" + options.size() + " option(s) of " + KEY
				+ "), in this process");
		out.flush();
		System.err.flush();
		try {
			Class.forName(NATIVE)
				.getDeclaredMethod("exec", List.class)
				.invoke(null, launch.masterJvmCommand(inserted, false));
		}
		catch (InvocationTargetException ex) {
			unreplaced(out, file, ex.getCause());
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			unreplaced(out, file, ex);
		}
	}

	/**
	 * Delete the argument file this JVM was started with as the master's own, if it was:
	 * the options may hold what only its owner may read.
	 */
	static void deleteOptionsFile() {
		String file = System.getProperty(OPTIONS_FILE);
		if (file != null) {
			delete(Path.of(file));
		}
	}

	/**
	 * Return the options without a collector if the JVM's own collector was chosen by the
	 * user (command line, argument file, options file or environment): a JVM given two
	 * does not start.
	 * @param options the master's options
	 * @param collectorChosen whether the user chose one
	 * @return the options to give
	 */
	static List<String> withoutCollectorIfChosen(List<String> options, boolean collectorChosen) {
		return options.stream().filter((option) -> !(collectorChosen && COLLECTOR.matcher(option).matches())).toList();
	}

	private static boolean collectorChosen() {
		HotSpotDiagnosticMXBean diagnostics = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
		for (String collector : COLLECTORS) {
			try {
				VMOption option = diagnostics.getVMOption("Use" + collector + "GC");
				if (option.getValue().equals("true") && option.getOrigin() != VMOption.Origin.DEFAULT
						&& option.getOrigin() != VMOption.Origin.ERGONOMIC) {
					return true;
				}
			}
			catch (IllegalArgumentException ex) {
				// Not a collector of this JVM.
			}
		}
		return false;
	}

	private static Path optionsFile(List<String> options) throws IOException {
		Path file = Files.createTempFile("concurrency-master-jvm-", ".args",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		List<String> lines = new ArrayList<>();
		lines.add(ArgumentFileLines.quote("-D" + OPTIONS_FILE + "=" + file));
		options.stream().map(ArgumentFileLines::quote).forEach(lines::add);
		Files.write(file, lines, StandardCharsets.UTF_8);
		return file;
	}

	private static Optional<String> check(List<String> command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			process.getOutputStream().close();
			// -version prints a few lines; a JVM that hangs must not hang the master.
			ByteArrayOutputStream output = new ByteArrayOutputStream();
			Thread reader = Thread.ofVirtual().name("multi-jvm-master-jvm-check").start(() -> {
				try {
					output.write(process.getInputStream().readNBytes(64 * 1024));
				}
				catch (IOException ex) {
					// What was read is kept.
				}
			});
			if (!process.waitFor(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				return Optional.of("it did not end within " + CHECK_TIMEOUT.toSeconds() + " s");
			}
			reader.join(Duration.ofSeconds(5));
			return (process.exitValue() == 0) ? Optional.empty()
					: Optional.of(firstError(output.toString(StandardCharsets.UTF_8)));
		}
		catch (IOException ex) {
			return Optional.of(String.valueOf(ex));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.of("interrupted");
		}
	}

	// The JVM's own reason, not the lines that echo the environment's options (which
	// may hold a secret).
	private static String firstError(String output) {
		return output.lines()
			.filter((line) -> !line.isBlank() && !line.startsWith("Picked up ") && !line.startsWith("NOTE: Picked up"))
			.findFirst()
			.orElse("no output")
			.strip();
	}

	private static boolean supportedHere() {
		// Elsewhere the master says nothing: nothing the user could do about it.
		return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
				&& Runtime.version().feature() >= 22;
	}

	private static Optional<String> nativeAccessMissing() {
		try {
			boolean enabled = (boolean) Class.forName(NATIVE).getDeclaredMethod("nativeAccessEnabled").invoke(null);
			return enabled ? Optional.empty()
					: Optional.of("native access is not enabled (java --enable-native-access=ALL-UNNAMED, or "
							+ "'Enable-Native-Access: ALL-UNNAMED' in the jar's manifest)");
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			return Optional.of("its native half did not load (" + ex + ")");
		}
	}

	private static void stays(PrintStream out, String reason) {
		MasterLog.println(out, "The master runs in the application's JVM, with its heap, collector and JIT: " + reason
				+ " (" + KEY + "; set it to [] to run there without this line)");
	}

	private static void unreplaced(PrintStream out, Path file, Throwable cause) {
		delete(file);
		MasterLog.println(out, "Could not start again in a JVM of the master's own (" + cause
				+ "): the master runs in the application's JVM");
	}

	private static void delete(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// In the temporary directory, private: the system's cleaning removes it.
		}
	}

}
