package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.channel.ClusterPrometheusScrapeEndpoint;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.channel.MasterChannelClient;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.channel.WorkerScrapeSocket;
import io.github.bootconcurrency.autoconfigure.scope.ConditionalOnStarterEnabled;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.ConditionalOnEnabledMetricsExport;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusOutputFormat;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Auto-configuration of {@code /actuator/prometheus} on a worker JVM of the multi-jvm
 * model: the scrape shows every worker and the master
 * ({@link ClusterPrometheusScrapeEndpoint}), and the worker serves its own metrics to its
 * master ({@link WorkerScrapeSocket}). Before Spring Boot's own endpoint, which then
 * backs off.
 */
@AutoConfiguration(before = PrometheusMetricsExportAutoConfiguration.class,
		after = MultiJvmWorkerAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@Conditional(OnMultiJvmWorkerCondition.class)
@ConditionalOnClass({ PrometheusScrapeEndpoint.class, PrometheusConfig.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnEnabledMetricsExport("prometheus")
@ConditionalOnAvailableEndpoint(PrometheusScrapeEndpoint.class)
@ConditionalOnStarterEnabled
public final class MultiJvmWorkerPrometheusAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(PrometheusScrapeEndpoint.class)
	ClusterPrometheusScrapeEndpoint prometheusEndpoint(PrometheusRegistry prometheusRegistry,
			ObjectProvider<PrometheusConfig> prometheusConfig, MasterChannelClient masterChannelClient) {
		PrometheusConfig config = prometheusConfig.getIfAvailable();
		return new ClusterPrometheusScrapeEndpoint(prometheusRegistry,
				(config != null) ? config.prometheusProperties() : null, masterChannelClient);
	}

	@Bean
	WorkerScrapeSocket multiJvmWorkerScrapeSocket(WorkerEnvironment worker,
			ObjectProvider<PrometheusScrapeEndpoint> endpoint) {
		return new WorkerScrapeSocket(worker, (names) -> {
			PrometheusScrapeEndpoint scrape = endpoint.getObject();
			if (scrape instanceof ClusterPrometheusScrapeEndpoint cluster) {
				return cluster.localScrape(names);
			}
			return scrape.scrape(PrometheusOutputFormat.CONTENT_TYPE_004, names.isEmpty() ? null : names).getBody();
		});
	}

}
