package io.github.bootconcurrency.autoconfigure.actuate;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.github.bootconcurrency.autoconfigure.admission.RequestDeadlines;
import io.github.bootconcurrency.autoconfigure.actuate.ModelAdvice.AdviceDescriptor;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.admission.RequestWindow;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ClusterView;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.channel.MasterChannelClient;
import io.github.bootconcurrency.autoconfigure.server.ServerTranslation;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;
import io.github.bootconcurrency.autoconfigure.validation.SettingsChecks;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@link Endpoint @Endpoint} that shows how requests are served: the model and why it was
 * chosen, the settings in force and what they became in the server's terms, the JVM, and
 * live request counters. In a worker of the multi-jvm model it also shows the cluster as
 * the master sees it, and its write operation sets the number of workers or reloads them.
 *
 * <p>
 * Its responses are {@link OperationResponseBody operation response bodies}, written with
 * the actuator's own JSON mapper: an application's {@code spring.jackson.*} settings,
 * such as a naming strategy, do not change the endpoint's JSON.
 *
 * <p>
 * The write operation is off by default ({@link Access#READ_ONLY}): it is enabled with
 * {@code management.endpoint.concurrency.access=unrestricted}, and Spring Security and
 * the exposure settings protect it as any actuator operation.
 */
@Endpoint(id = "concurrency", defaultAccess = Access.READ_ONLY)
public class ConcurrencyEndpoint {

	private static final Log logger = LogFactory.getLog(ConcurrencyEndpoint.class);

	private static final int MAX_WORKERS = 256;

	private final ConcurrencySettings settings;

	private final RequestGate gate;

	private final ServerTranslation translation;

	private final @Nullable MasterChannelClient master;

	private final @Nullable RequestDeadlines deadlines;

	private final @Nullable RequestWindow window;

	public ConcurrencyEndpoint(ConcurrencySettings settings, RequestGate gate, ServerTranslation translation,
			@Nullable MasterChannelClient master) {
		this(settings, gate, translation, master, null, null);
	}

	/**
	 * Create the endpoint.
	 * @param settings the settings in force
	 * @param gate the request gate
	 * @param translation what the settings became in the server's terms
	 * @param master the multi-jvm master's control channel, in a worker
	 * @param deadlines the request deadlines, or {@code null} for none
	 * @param window the requests of the last minute, to advise on which model fits, or
	 * {@code null} for no advice
	 */
	public ConcurrencyEndpoint(ConcurrencySettings settings, RequestGate gate, ServerTranslation translation,
			@Nullable MasterChannelClient master, @Nullable RequestDeadlines deadlines,
			@Nullable RequestWindow window) {
		this.settings = settings;
		this.gate = gate;
		this.translation = translation;
		this.master = master;
		this.deadlines = deadlines;
		this.window = window;
	}

	@ReadOperation
	public ConcurrencyDescriptor concurrency() {
		Runtime runtime = Runtime.getRuntime();
		ClusterDescriptor cluster = null;
		String clusterUnavailable = null;
		if (this.master != null) {
			try {
				cluster = ClusterDescriptor.of(this.master.status());
			}
			catch (IOException ex) {
				logger.warn("Cannot read the cluster view from the multi-jvm master: " + ex.getMessage());
				clusterUnavailable = "Cannot read the cluster view from the multi-jvm master: " + ex.getMessage();
			}
		}
		return new ConcurrencyDescriptor(this.settings.model().value(), this.settings.decision().reason(),
				this.settings.decision().activeProfiles(), this.settings.model().gunicornEquivalent(),
				this.translation.getServer(), this.settings.describe(), this.settings.sources(),
				this.translation.getApplied(),
				new JvmDescriptor(Runtime.version().toString(), System.getProperty("java.vendor"),
						runtime.availableProcessors(), runtime.maxMemory()),
				new RequestsDescriptor(this.gate.getLimit(), this.gate.getInFlight(), this.gate.getPeakInFlight(),
						this.gate.getCompleted(), this.gate.getWaiting(), this.gate.getRejected()),
				cluster, clusterUnavailable, deadline(), advice());
	}

	private @Nullable DeadlineDescriptor deadline() {
		if (this.deadlines == null || !this.deadlines.isEnabled()) {
			return null;
		}
		return new DeadlineDescriptor(SettingsChecks.format(this.deadlines.getTimeout()), this.deadlines.getTimedOut(),
				this.deadlines.getStuck(), this.deadlines.getLongestStuckMillis());

	}

	private @Nullable AdviceDescriptor advice() {
		return (this.window != null)
				? ModelAdvice.advise(this.window.totals(), this.settings.model(), this.settings.requestLimit()) : null;
	}

	/**
	 * Set the number of workers of the multi-jvm model, or reload them all (a rolling
	 * restart that reads the configuration again, as SIGHUP does).
	 * @param workers the number of workers to run, from 1 to 256
	 * @param reload whether to reload every worker
	 * @return the cluster, as the master sees it once it has the request
	 * @throws MasterUnavailableException if the master is gone, silent past the channel's
	 * deadline, refused the request or answered what this worker cannot read
	 */
	@WriteOperation
	public ClusterDescriptor control(@Nullable Integer workers, @Nullable Boolean reload) {
		if (this.master == null) {
			throw new InvalidEndpointRequestException("Only the multi-jvm model has workers to scale or reload; this "
					+ "application runs the '" + this.settings.model().value() + "' model", "Not a multi-jvm worker");
		}
		if (workers == null && !Boolean.TRUE.equals(reload)) {
			throw new InvalidEndpointRequestException(
					"Give 'workers' (a whole number from 1 to " + MAX_WORKERS + ") or 'reload': true", "Nothing to do");
		}
		if (workers != null && (workers < 1 || workers > MAX_WORKERS)) {
			throw new InvalidEndpointRequestException(
					"'workers' = " + workers + " is not allowed; allowed: a whole " + "number from 1 to " + MAX_WORKERS,
					"Invalid 'workers'");
		}
		try {
			// Each call returns once the master's loop has taken the request, so the view
			// read after them shows what the master did.
			if (workers != null) {
				this.master.scale(workers);
			}
			if (Boolean.TRUE.equals(reload)) {
				this.master.reload();
			}
			return ClusterDescriptor.of(this.master.status());
		}
		catch (IOException ex) {
			throw new MasterUnavailableException("The multi-jvm master did not take the request: " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * How requests are served.
	 *
	 * @param model the model in force
	 * @param reason which key, file or profile chose it
	 * @param activeProfiles the active profiles
	 * @param gunicornEquivalent the Gunicorn setting the model corresponds to
	 * @param server the server the settings were applied to
	 * @param settings the settings in force
	 * @param settingSources settings taken from another key than their own
	 * @param serverSettings what the settings became in the server's own terms
	 * @param jvm the JVM
	 * @param requests live request counters
	 * @param cluster under the multi-jvm model, the cluster as the master sees it
	 * @param clusterUnavailable under the multi-jvm model, why the cluster is missing:
	 * the master is gone, silent or answered what this worker cannot read
	 * @param deadline what the request deadline did, when requests have one
	 * @param advice with {@code concurrency.advice.enabled}, which model fits the load of
	 * the last minute
	 */
	public record ConcurrencyDescriptor(String model, String reason, List<String> activeProfiles,
			String gunicornEquivalent, String server, Map<String, Object> settings, Map<String, String> settingSources,
			Map<String, Object> serverSettings, JvmDescriptor jvm, RequestsDescriptor requests,
			@Nullable ClusterDescriptor cluster, @Nullable String clusterUnavailable,
			@Nullable DeadlineDescriptor deadline, @Nullable AdviceDescriptor advice) implements OperationResponseBody {
	}

	/**
	 * What the request deadline ({@code concurrency.request-timeout}) did.
	 *
	 * @param timeout the request timeout
	 * @param timedOut requests that ran past it since startup
	 * @param stuck requests that run past it now, having ignored the interrupt
	 * @param longestStuckMillis how long the oldest of those has run, 0 if none
	 */
	public record DeadlineDescriptor(String timeout, long timedOut, int stuck, long longestStuckMillis) {
	}

	/**
	 * The JVM that serves requests.
	 *
	 * @param javaVersion the Java version
	 * @param javaVendor the Java vendor
	 * @param availableProcessors the processors available to the JVM
	 * @param maxHeapBytes the maximum heap size
	 */
	public record JvmDescriptor(String javaVersion, String javaVendor, int availableProcessors, long maxHeapBytes) {
	}

	/**
	 * Live request counters.
	 *
	 * @param limit how many requests may be in flight at once now: under an adaptive
	 * limit, the algorithm's current limit
	 * @param inFlight requests being handled now
	 * @param peakInFlight the most requests handled at once since startup
	 * @param completed requests completed since startup
	 * @param waiting requests waiting for a slot now
	 * @param rejected requests rejected since startup because no slot freed up in time
	 */
	public record RequestsDescriptor(int limit, int inFlight, int peakInFlight, long completed, int waiting,
			long rejected) {
	}

	/**
	 * The cluster of a multi-jvm master, as the master sees it.
	 *
	 * <p>
	 * The master's own {@link ClusterView}, copied: that one is shared with the master,
	 * which runs without the actuator, and so cannot be an {@link OperationResponseBody}.
	 *
	 * @param balancer how requests reach the workers
	 * @param targetWorkers how many workers the master keeps running
	 * @param counters what the master did since it started
	 * @param workers every worker process, ready or not
	 */
	public record ClusterDescriptor(String balancer, int targetWorkers, ClusterView.Counters counters,
			List<ClusterView.WorkerView> workers) implements OperationResponseBody {

		static ClusterDescriptor of(ClusterView view) {
			return new ClusterDescriptor(view.balancer(), view.targetWorkers(), view.counters(), view.workers());
		}

	}

}
