package io.github.bootconcurrency.autoconfigure.actuate;

import io.github.bootconcurrency.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.bootconcurrency.autoconfigure.admission.RequestDeadlines;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.admission.RequestWindow;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.MultiJvmWorkerAutoConfiguration;
import io.github.bootconcurrency.autoconfigure.multijvm.worker.channel.MasterChannelClient;
import io.github.bootconcurrency.autoconfigure.scope.ConditionalOnStarterEnabled;
import io.github.bootconcurrency.autoconfigure.server.ServerTranslation;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link ConcurrencyEndpoint}.
 */
@AutoConfiguration(after = { ConcurrencyAutoConfiguration.class, MultiJvmWorkerAutoConfiguration.class })
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(RequestGate.class)
@ConditionalOnStarterEnabled
public final class ConcurrencyEndpointAutoConfiguration {

	// On the method, not the class: a class's conditions are all loaded before any is
	// evaluated, and this one's condition is the actuator's own, which may be absent.
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(ConcurrencyEndpoint.class)
	ConcurrencyEndpoint concurrencyEndpoint(ConcurrencySettings settings, RequestGate gate,
			ServerTranslation translation, ObjectProvider<MasterChannelClient> master,
			ObjectProvider<RequestDeadlines> deadlines, ObjectProvider<RequestWindow> window) {
		return new ConcurrencyEndpoint(settings, gate, translation, master.getIfAvailable(), deadlines.getIfAvailable(),
				window.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ConcurrencyEndpoint.class)
	@ConditionalOnAvailableEndpoint(endpoint = ConcurrencyEndpoint.class, exposure = EndpointExposure.WEB)
	ConcurrencyEndpointWebExtension concurrencyEndpointWebExtension(ConcurrencyEndpoint endpoint) {
		return new ConcurrencyEndpointWebExtension(endpoint);
	}

}
