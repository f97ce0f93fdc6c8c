package io.github.bootconcurrency.benchmark.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The machine a run was made on, as the docs state it: figures mean nothing without it.
 *
 * @param cores processors available to the JVM
 * @param memoryBytes physical memory, or 0 when unknown
 * @param cpu the CPU model, when the OS says
 * @param java the Java runtime that ran the suite and the app
 * @param os the operating system
 * @param date when the run started, UTC
 * @param somaxconn the kernel's cap on listen backlogs, when known
 * @param openFiles the suite's limit of open files, when known
 */
public record MachineInfo(int cores, long memoryBytes, String cpu, String java, String os, String date,
		String somaxconn, String openFiles) {

	public static MachineInfo current() {
		String java = System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
				+ Runtime.version();
		String os = firstValue(Path.of("/etc/os-release"), "PRETTY_NAME=").map((name) -> name.replace("\"", "") + ", ")
			.orElse("") + System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
				+ System.getProperty("os.arch") + ")";
		long memory = firstValue(Path.of("/proc/meminfo"), "MemTotal:")
			.map((value) -> Long.parseLong(value.replace("kB", "").strip()) * 1024)
			.orElse(0L);
		String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name")
			.map((value) -> value.replaceFirst("^\\s*:\\s*", ""))
			.orElse("unknown");
		String somaxconn = read(Path.of("/proc/sys/net/core/somaxconn")).orElse("unknown");
		String openFiles = firstValue(Path.of("/proc/self/limits"), "Max open files")
			.map((value) -> value.strip().split("\\s+")[0])
			.orElse("unknown");
		String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
		return new MachineInfo(Runtime.getRuntime().availableProcessors(), memory, cpu, java, os, date, somaxconn,
				openFiles);
	}

	/** The soft limit of open files of this process, or -1 when unknown or unlimited. */
	static long openFileLimit() {
		try {
			return Long.parseLong(current().openFiles());
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * Warns when {@code connections} sockets at once would not fit under the open-file
	 * limit: the excess would fail with "too many open files", counted as socket errors
	 * that are the client's fault, not the server's.
	 */
	public static void warnIfTooFewFiles(int connections) {
		long limit = openFileLimit();
		if (limit > 0 && connections + 200 > limit) {
			System.err.printf("Warning: %,d connections at once need more open files than this process may have "
					+ "(ulimit -n is %d): raise it, e.g. ulimit -n $(ulimit -Hn).%n", connections, limit);
		}
	}

	public String memory() {
		return (this.memoryBytes > 0)
				? String.format(Locale.ROOT, "%.1f GiB", this.memoryBytes / (1024.0 * 1024 * 1024)) : "unknown";
	}

	private static Optional<String> firstValue(Path file, String prefix) {
		try {
			List<String> lines = Files.readAllLines(file);
			return lines.stream()
				.filter((line) -> line.startsWith(prefix))
				.map((line) -> line.substring(prefix.length()).strip())
				.findFirst();
		}
		catch (IOException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	private static Optional<String> read(Path file) {
		try {
			// Not Files.readString: it trusts the size /proc reports and can return a
			// truncated value ("4" for 4096).
			return Optional.of(String.join("\n", Files.readAllLines(file)).strip());
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

}
