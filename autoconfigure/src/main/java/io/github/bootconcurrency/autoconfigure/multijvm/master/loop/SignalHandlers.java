package io.github.bootconcurrency.autoconfigure.multijvm.master.loop;

import java.io.PrintStream;
import java.util.function.Consumer;

import io.github.bootconcurrency.autoconfigure.multijvm.master.launch.MasterLog;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns the signals the master handles into events for its loop: a handler does nothing
 * else.
 */
public final class SignalHandlers {

	private SignalHandlers() {
	}

	/**
	 * Install a handler for every {@link MasterSignal}.
	 * <p>
	 * A signal ignored when the master started stays ignored for HUP, INT and TERM: the
	 * JVM installs no handler over an inherited SIG_IGN for its shutdown signals,
	 * whatever {@link Signal#handle} is asked. Other signals are taken over. Either way
	 * the user is told, since {@code nohup} or a script's {@code &} silently changes what
	 * a signal does.
	 * @param events where the events go
	 * @param out where warnings go
	 */
	public static void install(Consumer<Event> events, PrintStream out) {
		for (MasterSignal signal : MasterSignal.values()) {
			Event event = new Event.Signalled(signal);
			try {
				SignalHandler previous = Signal.handle(new Signal(signal.name()), (received) -> events.accept(event));
				if (previous == SignalHandler.SIG_IGN) {
					MasterLog.println(out, "WARNING: " + ignoredAtStart(signal));
				}
			}
			catch (IllegalArgumentException ex) {
				MasterLog.println(out, "WARNING: SIG" + signal + " cannot be handled on this JVM: " + ex.getMessage());
			}
		}
	}

	static String ignoredAtStart(MasterSignal signal) {
		String was = "SIG" + signal + " was ignored when the master started (nohup ignores HUP; a script's "
				+ "background job ignores INT)";
		return switch (signal) {
			case HUP -> was + ", and the JVM keeps it ignored: kill -HUP will not reload. Reload with "
					+ "POST /actuator/concurrency {\"reload\": true} (management.endpoint.concurrency.access="
					+ "unrestricted), or start the master without nohup (setsid, a systemd service).";
			case INT, TERM -> was + ", and the JVM keeps it ignored: kill -" + signal
					+ " will not stop the master. SIGTERM or SIGINT, whichever is not ignored, still stops it gracefully.";
			case TTIN, TTOU -> was + ": the master handles it now.";
		};
	}

}
