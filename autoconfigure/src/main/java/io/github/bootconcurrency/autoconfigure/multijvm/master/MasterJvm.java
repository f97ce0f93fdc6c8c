package io.github.bootconcurrency.autoconfigure.multijvm.master;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.MasterLog;
import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.WorkerLaunch;

/**
 * Gives the master a JVM sized for a supervisor rather than for the application: the JVM
 * that {@code java -jar app.jar} started has the application's heap, collector and JIT
 * (two thirds of a worker's memory, for a process that runs no request), so the master
 * replaces its own process image with the same command plus
 * {@code concurrency.multi-jvm.master-jvm-args}, before it binds, writes or starts
 * anything.
 *
 * <p>
 * A replaced image, not a child: the process id, the parent, the standard streams and the
 * signals a supervisor sends stay the master's, and nothing is left to forward signals.
 * The new command names the options it added, so that the workers' launch leaves them out
 * and the new image does not replace itself again. Where the JVM cannot do it (not Linux,
 * before Java 22, native access not enabled, a failed call), the master says so once and
 * runs where it is: it costs memory, never the start.
 */
final class MasterJvm {

	static final String NATIVE = "io.github.bootconcurrency.autoconfigure.multijvm.master.NativeExec";

	private static final String KEY = "concurrency.multi-jvm.master-jvm-args";

	private MasterJvm() {
	}

	/**
	 * Replace this process's image with the master's own JVM, unless it runs there
	 * already or the options are empty. Returns only if the image stays.
	 * @param options the master's JVM options
	 * @param launch this process's command line
	 * @param out the master's output
	 */
	static void replaceImage(List<String> options, WorkerLaunch launch, PrintStream out) {
		if (options.isEmpty() || WorkerLaunch.runsInMasterJvm()) {
			return;
		}
		Optional<String> unsupported = unsupportedReason();
		if (unsupported.isPresent()) {
			MasterLog.println(out, "The master runs in the application's JVM, with its heap, collector and JIT: "
					+ unsupported.get() + " (" + KEY + "; set it to [] to run there without this line)");
			return;
		}
		List<String> command = launch.masterJvmCommand(options);
		// The options are the user's: they may name files, so their count only.
		MasterLog.println(out, "Starting again in a JVM of the master's own (" + options.size() + " option(s) of " + KEY
				+ "), in this process");
		out.flush();
		System.err.flush();
		try {
			Class.forName(NATIVE).getDeclaredMethod("exec", List.class).invoke(null, command);
		}
		catch (InvocationTargetException ex) {
			unreplaced(out, ex.getCause());
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			unreplaced(out, ex);
		}
	}

	private static void unreplaced(PrintStream out, Throwable cause) {
		MasterLog.println(out, "Could not start again in a JVM of the master's own (" + cause.getMessage()
				+ "): the master runs in the application's JVM");
	}

	private static Optional<String> unsupportedReason() {
		if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
			return Optional.of("this works on Linux only, and this OS is " + System.getProperty("os.name"));
		}
		if (Runtime.version().feature() < 22) {
			return Optional.of("this needs Java 22 or later (java.lang.foreign), and this JVM is " + Runtime.version());
		}
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

}
