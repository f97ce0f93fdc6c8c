package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import java.time.Duration;

import io.github.bootconcurrency.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.bootconcurrency.autoconfigure.admission.RequestDeadlines;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmProperties;
import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.channel.MasterChannelClient;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.channel.ServedRequestsFilter;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.channel.WorkerHeartbeat;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.forwarding.WorkerForwarding;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.socket.Drain;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.socket.DrainFilter;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.socket.HeaderDeadlineSweeper;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.socket.InheritedSocketCloser;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.socket.JettyWorkerCustomizer;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.socket.TomcatWorkerCustomizer;
import io.github.bootconcurrency.autoconfigure.scope.ConditionalOnStarterEnabled;
import io.github.bootconcurrency.autoconfigure.server.ServerTranslation;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.bind.Binder;
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
@ConditionalOnStarterEnabled
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
	static Drain multiJvmDrain() {
		return new Drain();
	}

	/**
	 * The closer of the shared socket, whose drain takes half of a shutdown phase, and
	 * half of the time the master gives a stopping worker, at most: the other half is
	 * left to the server's own graceful shutdown.
	 */
	@Bean
	static InheritedSocketCloser multiJvmInheritedSocketCloser(Drain multiJvmDrain, Environment environment) {
		Binder binder = Binder.get(environment);
		Duration phase = binder.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(Duration.ofSeconds(30));
		Duration graceful = binder.bind("concurrency.multi-jvm.graceful-timeout", Duration.class)
			.orElse(Duration.ofSeconds(30));
		Duration shorter = (phase.compareTo(graceful) < 0) ? phase : graceful;
		return new InheritedSocketCloser(multiJvmDrain, shorter.dividedBy(2));
	}

	/**
	 * The bound of the time a client may take to send a request's header, which the
	 * master passes on to a shared-socket worker (under the proxy, the master's listener
	 * applies it).
	 */
	@Bean
	HeaderDeadlineSweeper multiJvmHeaderDeadlineSweeper(Environment environment) {
		return new HeaderDeadlineSweeper(Binder.get(environment)
			.bind("concurrency.multi-jvm.request-header-timeout", Duration.class)
			.orElseGet(() -> new MultiJvmProperties().getRequestHeaderTimeout()));
	}

	@Bean
	FilterRegistrationBean<DrainFilter> multiJvmDrainFilter(Drain multiJvmDrain, WorkerEnvironment worker) {
		FilterRegistrationBean<DrainFilter> registration = new FilterRegistrationBean<>(new DrainFilter(multiJvmDrain));
		registration.setName("multiJvmDrainFilter");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		// Behind the proxy, the master drains a worker itself.
		registration.setEnabled(worker.inheritChannel());
		return registration;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory")
	static class TomcatWorkerConfiguration {

		@Bean
		TomcatWorkerCustomizer multiJvmTomcatWorkerCustomizer(WorkerEnvironment worker, ServerTranslation translation,
				Environment environment, Drain multiJvmDrain, HeaderDeadlineSweeper multiJvmHeaderDeadlineSweeper,
				ObjectProvider<RequestGate> gate) {
			return new TomcatWorkerCustomizer(worker, translation, WorkerForwarding.of(worker, environment),
					multiJvmDrain, multiJvmHeaderDeadlineSweeper, gate.getIfAvailable());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.jetty.ConfigurableJettyWebServerFactory")
	static class JettyWorkerConfiguration {

		@Bean
		JettyWorkerCustomizer multiJvmJettyWorkerCustomizer(WorkerEnvironment worker, ServerTranslation translation,
				Environment environment, Drain multiJvmDrain, HeaderDeadlineSweeper multiJvmHeaderDeadlineSweeper,
				ObjectProvider<RequestGate> gate) {
			return new JettyWorkerCustomizer(worker, translation, WorkerForwarding.of(worker, environment),
					multiJvmDrain, multiJvmHeaderDeadlineSweeper, gate.getIfAvailable());
		}

	}

}
