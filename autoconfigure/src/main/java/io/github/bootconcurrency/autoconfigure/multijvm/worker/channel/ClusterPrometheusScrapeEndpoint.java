package io.github.bootconcurrency.autoconfigure.multijvm.worker.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Set;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusOutputFormat;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.http.HttpHeaders;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * {@code /actuator/prometheus} on a worker of a multi-jvm master: every worker's metrics,
 * each sample labelled {@code worker} with the worker's slot, and the master's own
 * series, gathered by the master, whichever worker the scrape reached. Always in the text
 * format 0.0.4, which every Prometheus reads.
 */
public class ClusterPrometheusScrapeEndpoint extends PrometheusScrapeEndpoint {

	/**
	 * When a refused or failed scrape may be tried again: past the master's queue of
	 * scrapes (2 s) and its wait for the workers (3 s).
	 */
	private static final String RETRY_AFTER_SECONDS = "5";

	private final MasterChannelClient master;

	/**
	 * Create the endpoint.
	 * @param prometheusRegistry this worker's registry
	 * @param exporterProperties the exporter's properties, or {@code null}
	 * @param master this worker's end of the master's channel
	 */
	public ClusterPrometheusScrapeEndpoint(PrometheusRegistry prometheusRegistry,
			@Nullable Properties exporterProperties, MasterChannelClient master) {
		super(prometheusRegistry, exporterProperties);
		this.master = master;
	}

	@Override
	@ReadOperation(producesFrom = PrometheusOutputFormat.class)
	public WebEndpointResponse<byte[]> scrape(PrometheusOutputFormat format, @Nullable Set<String> includedNames) {
		Set<String> names = (includedNames != null) ? includedNames : Set.of();
		try {
			// The channel's own deadline bounds the wait for the master.
			String text = String.join("\n", this.master.scrape(names)) + "\n";
			return new WebEndpointResponse<>(text.getBytes(StandardCharsets.UTF_8),
					PrometheusOutputFormat.CONTENT_TYPE_004);
		}
		catch (IOException ex) {
			retryAfter();
			String reason = "Cannot scrape the cluster through the multi-jvm master: " + ex.getMessage() + "\n";
			return new WebEndpointResponse<>(reason.getBytes(StandardCharsets.UTF_8),
					WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
		}
	}

	/**
	 * Say when to try again, as the request gate's 503 does: the actuator's response type
	 * has no headers, so through the servlet response of the request being served, when
	 * there is one (a scrape over JMX has none).
	 */
	private static void retryAfter() {
		if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
				&& attributes.getResponse() != null) {
			attributes.getResponse().setHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
		}
	}

	/**
	 * Return this worker's own metrics, for its master.
	 * @param includedNames the only names to include, or empty for all
	 * @return the exposition, in the text format 0.0.4
	 */
	public byte[] localScrape(Set<String> includedNames) {
		return super.scrape(PrometheusOutputFormat.CONTENT_TYPE_004, includedNames.isEmpty() ? null : includedNames)
			.getBody();
	}

}
