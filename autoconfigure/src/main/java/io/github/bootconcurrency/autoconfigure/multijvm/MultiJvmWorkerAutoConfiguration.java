package io.github.bootconcurrency.autoconfigure.multijvm;

import io.github.bootconcurrency.autoconfigure.ConcurrencyAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of a worker JVM of the multi-jvm model: its end of the master's
 * control channel, and the figures it reports there.
 */
@AutoConfiguration(after = ConcurrencyAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@Conditional(OnMultiJvmWorkerCondition.class)
public final class MultiJvmWorkerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MasterChannelClient masterChannelClient(Environment environment) {
		return WorkerEnvironment.from(environment::getProperty)
			.map(MasterChannelClient::new)
			.orElseThrow(() -> new IllegalStateException("Not a multi-jvm worker"));
	}

	@Bean
	FilterRegistrationBean<ServedRequestsFilter> multiJvmServedRequestsFilter() {
		FilterRegistrationBean<ServedRequestsFilter> registration = new FilterRegistrationBean<>(
				new ServedRequestsFilter());
		registration.setName("multiJvmServedRequestsFilter");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	@Bean
	WorkerReporter multiJvmWorkerReporter(MasterChannelClient masterChannelClient,
			FilterRegistrationBean<ServedRequestsFilter> multiJvmServedRequestsFilter) {
		return new WorkerReporter(masterChannelClient, multiJvmServedRequestsFilter.getFilter());
	}

}
