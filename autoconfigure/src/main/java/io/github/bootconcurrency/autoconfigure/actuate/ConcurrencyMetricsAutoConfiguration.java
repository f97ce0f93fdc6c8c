package io.github.bootconcurrency.autoconfigure.actuate;

import io.github.bootconcurrency.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.bootconcurrency.autoconfigure.admission.RequestDeadlines;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.model.ConditionalOnConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.MultiJvmWorkerAutoConfiguration;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.channel.MasterChannelClient;
import io.github.bootconcurrency.autoconfigure.scope.ConditionalOnStarterEnabled;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;
import io.micrometer.core.instrument.config.MeterFilter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the concurrency metrics: the request gate's figures as
 * {@code concurrency.requests.*} meters, and the time requests wait at the gate, which
 * the {@link ConcurrencyMeterBinder} records through the gate's
 * {@link io.github.bootconcurrency.autoconfigure.admission.GateWaitListener} so that the
 * gate itself does not depend on Micrometer.
 */
@AutoConfiguration(after = { ConcurrencyAutoConfiguration.class, MultiJvmWorkerAutoConfiguration.class })
@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
@ConditionalOnBean(RequestGate.class)
@ConditionalOnStarterEnabled
public final class ConcurrencyMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ConcurrencyMeterBinder concurrencyMeterBinder(RequestGate gate, ConcurrencySettings settings,
			ObjectProvider<MasterChannelClient> master) {
		return new ConcurrencyMeterBinder(gate, settings.model().value(), master.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(RequestDeadlines.class)
	RequestDeadlineMeterBinder concurrencyRequestDeadlineMeterBinder(RequestDeadlines deadlines,
			ConcurrencySettings settings) {
		return new RequestDeadlineMeterBinder(deadlines, settings.model().value());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnConcurrencyModel(ConcurrencyModel.VIRTUAL)
	static class VirtualModelMetricsConfiguration {

		// Tomcat's thread gauges read -1 when an external (virtual thread) executor is
		// used: misleading figures are dropped, concurrency.requests.* replaces them.
		@Bean
		MeterFilter concurrencyTomcatThreadsMeterFilter() {
			return MeterFilter.denyNameStartsWith("tomcat.threads");
		}

	}

}
