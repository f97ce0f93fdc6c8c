package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import io.github.bootconcurrency.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.bootconcurrency.autoconfigure.admission.RequestDeadlines;
import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.server.ServerTranslation;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of a worker JVM of the multi-jvm model: its end of the master's
 * control channel, the heartbeat it sends there, and its server's inherited socket.
 */
@AutoConfiguration(after = ConcurrencyAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@Conditional(OnMultiJvmWorkerCondition.class)
public final class MultiJvmWorkerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MasterChannelClient masterChannelClient(WorkerEnvironment worker) {
		return new MasterChannelClient(worker);
	}

	@Bean
	WorkerEnvironment multiJvmWorkerEnvironment() {
		return WorkerEnvironment.current().orElseThrow(() -> new IllegalStateException("Not a multi-jvm worker"));
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
	WorkerHeartbeat multiJvmWorkerHeartbeat(MasterChannelClient masterChannelClient, WorkerEnvironment worker,
			FilterRegistrationBean<ServedRequestsFilter> multiJvmServedRequestsFilter,
			ObjectProvider<RequestDeadlines> requestDeadlines) {
		RequestDeadlines deadlines = requestDeadlines.getIfAvailable();
		return new WorkerHeartbeat(masterChannelClient, multiJvmServedRequestsFilter.getFilter(), worker.heartbeat(),
				(deadlines != null) ? deadlines::getLongestStuckMillis : () -> 0);
	}

	@Bean
	static InheritedSocketCloser multiJvmInheritedSocketCloser() {
		return new InheritedSocketCloser();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory")
	static class TomcatWorkerConfiguration {

		@Bean
		TomcatWorkerCustomizer multiJvmTomcatWorkerCustomizer(WorkerEnvironment worker, ServerTranslation translation,
				Environment environment) {
			return new TomcatWorkerCustomizer(worker, translation, WorkerForwarding.of(worker, environment));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.jetty.ConfigurableJettyWebServerFactory")
	static class JettyWorkerConfiguration {

		@Bean
		JettyWorkerCustomizer multiJvmJettyWorkerCustomizer(WorkerEnvironment worker, ServerTranslation translation,
				Environment environment) {
			return new JettyWorkerCustomizer(worker, translation, WorkerForwarding.of(worker, environment));
		}

	}

}
