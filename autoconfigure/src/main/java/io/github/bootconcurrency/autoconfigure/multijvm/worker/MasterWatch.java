package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Ends a worker within about a second of its master's death, however the master died
 * (even {@code kill -9}, which runs no shutdown code in the master). A worker whose
 * master is gone must not keep serving: nothing supervises it any more, and a new master
 * may already run a newer version of the application.
 */
public final class MasterWatch {

	private static final long INTERVAL_MILLIS = 250;

	private MasterWatch() {
	}

	/**
	 * Start watching the master, on a daemon thread.
	 * @param masterPid the master's pid
	 */
	public static void start(long masterPid) {
		Thread watch = new Thread(() -> watch(masterPid), "multi-jvm-master-watch");
		watch.setDaemon(true);
		watch.start();
	}

	/**
	 * A master killed by SIGKILL stays a zombie until its own parent reaps it, and a
	 * zombie still counts as alive for {@link ProcessHandle#isAlive()}: on Linux, ask
	 * /proc.
	 */
	private static boolean isZombie(long pid) {
		Path stat = Path.of("/proc/" + pid + "/stat");
		try {
			if (!Files.isReadable(stat)) {
				return false;
			}
			String text = Files.readAllLines(stat).get(0);
			int end = text.lastIndexOf(')');
			return end > 0 && end + 2 < text.length() && text.charAt(end + 2) == 'Z';
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static void watch(long masterPid) {
		while (true) {
			Optional<ProcessHandle> parent = ProcessHandle.current().parent();
			boolean alive = parent.isPresent() && parent.get().pid() == masterPid && parent.get().isAlive()
					&& !isZombie(masterPid);
			if (!alive) {
				System.err.println("The multi-jvm master (pid " + masterPid + ") is gone: this worker stops now");
				// halt, not exit: a graceful shutdown would keep an orphan serving for up
				// to 30 s.
				Runtime.getRuntime().halt(1);
			}
			try {
				Thread.sleep(INTERVAL_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
