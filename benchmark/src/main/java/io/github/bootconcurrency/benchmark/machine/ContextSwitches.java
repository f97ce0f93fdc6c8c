package io.github.bootconcurrency.benchmark.machine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Context switches of the threads of a process and its children, from Linux's
 * {@code /proc/PID/task/TID/status}: voluntary ones (a thread went to sleep, waiting for
 * work or I/O) and involuntary ones (the scheduler took its core away). Per request, they
 * show how a server hands work between its threads. Threads that ended before a reading
 * are not counted; elsewhere than on Linux both counts are 0.
 *
 * @param voluntary switches where a thread gave up its core
 * @param involuntary switches where a thread was preempted
 */
public record ContextSwitches(long voluntary, long involuntary) {

	public static ContextSwitches of(ProcessHandle process) {
		long[] counts = new long[2];
		Stream.concat(Stream.of(process), process.descendants()).forEach((handle) -> add(handle.pid(), counts));
		return new ContextSwitches(counts[0], counts[1]);
	}

	public ContextSwitches until(ContextSwitches later) {
		return new ContextSwitches(later.voluntary - this.voluntary, later.involuntary - this.involuntary);
	}

	private static void add(long pid, long[] counts) {
		Path tasks = Path.of("/proc", Long.toString(pid), "task");
		if (!Files.isDirectory(tasks)) {
			return;
		}
		try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
			for (Path thread : threads) {
				try {
					for (String line : Files.readAllLines(thread.resolve("status"))) {
						if (line.startsWith("voluntary_ctxt_switches:")) {
							counts[0] += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
						}
						else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
							counts[1] += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
						}
					}
				}
				catch (IOException | NumberFormatException ex) {
					// The thread ended between the listing and the read.
				}
			}
		}
		catch (IOException ex) {
			// The process ended.
		}
	}

}
