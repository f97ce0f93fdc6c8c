package io.github.bootconcurrency.autoconfigure.actuate;

import java.util.List;
import java.util.Map;

import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.server.ServerTranslation;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@link Endpoint @Endpoint} that shows how requests are served: the model and why it was
 * chosen, the settings in force and what they became in the server's terms, the JVM, and
 * live request counters.
 */
@Endpoint(id = "concurrency")
public class ConcurrencyEndpoint {

	private final ConcurrencySettings settings;

	private final RequestGate gate;

	private final ServerTranslation translation;

	public ConcurrencyEndpoint(ConcurrencySettings settings, RequestGate gate, ServerTranslation translation) {
		this.settings = settings;
		this.gate = gate;
		this.translation = translation;
	}

	@ReadOperation
	public ConcurrencyDescriptor concurrency() {
		Runtime runtime = Runtime.getRuntime();
		return new ConcurrencyDescriptor(this.settings.model().value(), this.settings.decision().reason(),
				this.settings.decision().activeProfiles(), this.settings.model().gunicornEquivalent(),
				this.translation.getServer(), this.settings.describe(), this.settings.sources(),
				this.translation.getApplied(),
				new JvmDescriptor(Runtime.version().toString(), System.getProperty("java.vendor"),
						runtime.availableProcessors(), runtime.maxMemory()),
				new RequestsDescriptor(this.gate.getLimit(), this.gate.getInFlight(), this.gate.getPeakInFlight(),
						this.gate.getCompleted(), this.gate.getWaiting(), this.gate.getRejected()));
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
	 */
	public record ConcurrencyDescriptor(String model, String reason, List<String> activeProfiles,
			String gunicornEquivalent, String server, Map<String, Object> settings, Map<String, String> settingSources,
			Map<String, Object> serverSettings, JvmDescriptor jvm, RequestsDescriptor requests) {
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
	 * @param limit how many requests may be in flight at once
	 * @param inFlight requests being handled now
	 * @param peakInFlight the most requests handled at once since startup
	 * @param completed requests completed since startup
	 * @param waiting requests waiting for a slot now
	 * @param rejected requests rejected since startup because no slot freed up in time
	 */
	public record RequestsDescriptor(int limit, int inFlight, int peakInFlight, long completed, int waiting,
			long rejected) {
	}

}
