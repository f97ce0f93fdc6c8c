package io.github.bootconcurrency.autoconfigure;

import io.github.bootconcurrency.autoconfigure.admission.AdaptiveLimitRequirement;
import io.github.bootconcurrency.autoconfigure.admission.ProbePaths;
import io.github.bootconcurrency.autoconfigure.admission.RequestDeadlineFilter;
import io.github.bootconcurrency.autoconfigure.admission.RequestDeadlines;
import io.github.bootconcurrency.autoconfigure.admission.RequestGate;
import io.github.bootconcurrency.autoconfigure.admission.RequestGateFilter;
import io.github.bootconcurrency.autoconfigure.admission.RequestWindow;
import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModelConverter;
import io.github.bootconcurrency.autoconfigure.model.ConditionalOnConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.multijvm.MultiJvmProperties;
import io.github.bootconcurrency.autoconfigure.scope.ConditionalOnStarterEnabled;
import io.github.bootconcurrency.autoconfigure.server.JettyConcurrencyCustomizer;
import io.github.bootconcurrency.autoconfigure.server.ServerTranslation;
import io.github.bootconcurrency.autoconfigure.server.TomcatConcurrencyCustomizer;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencyProperties;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettings;
import io.github.bootconcurrency.autoconfigure.settings.ConcurrencySettingsReport;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configuration of how a servlet web application serves its requests: the
 * concurrency model, the request gate in front of every request but the health probes,
 * and the translation of the settings to Tomcat or Jetty.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = Type.SERVLET)
@EnableConfigurationProperties({ ConcurrencyProperties.class, MultiJvmProperties.class })
@ConditionalOnStarterEnabled
public final class ConcurrencyAutoConfiguration {

	/**
	 * Order of the request gate filter: after Spring Boot's character encoding and
	 * observation filters (so a rejected request is still measured, as a 503), ahead of
	 * Spring Security, sessions and MVC, so that it costs nothing else.
	 */
	public static final int REQUEST_GATE_FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 5;

	/**
	 * Order of the request deadline filter: just inside the request gate, so that a
	 * request's slot is released only once the request has ended.
	 */
	public static final int REQUEST_DEADLINE_FILTER_ORDER = REQUEST_GATE_FILTER_ORDER + 1;

	@Bean
	@ConfigurationPropertiesBinding
	static ConcurrencyModelConverter concurrencyModelConverter() {
		return new ConcurrencyModelConverter();
	}

	@Bean
	ConcurrencySettings concurrencySettings(ConcurrencyProperties properties, Environment environment) {
		ConcurrencySettings settings = ConcurrencySettings.resolve(properties, environment);
		ConcurrencySettingsReport.log(settings, environment);
		return settings;
	}

	@Bean
	ServerTranslation concurrencyServerTranslation() {
		return new ServerTranslation();
	}

	// The settings come first so that a model that cannot be served is reported as such,
	// before the missing gate would be: the web server asks for this bean before any
	// other.
	@Bean
	FilterRegistrationBean<RequestGateFilter> concurrencyRequestGateFilter(ConcurrencySettings settings,
			RequestGate requestGate, ObjectProvider<ProbePaths> probePaths, ObjectProvider<RequestWindow> window) {
		RequestGateFilter filter = new RequestGateFilter(requestGate, probePaths.getIfAvailable(ProbePaths::none));
		filter.setWindow(window.getIfAvailable());
		FilterRegistrationBean<RequestGateFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setName("concurrencyRequestGateFilter");
		registration.setOrder(REQUEST_GATE_FILTER_ORDER);
		return registration;
	}

	// Always defined, for the endpoint, the meters and a worker's heartbeat to read; it
	// starts its thread with the first deadline only.
	@Bean
	RequestDeadlines concurrencyRequestDeadlines(ConcurrencySettings settings) {
		return new RequestDeadlines(settings.requestTimeout());
	}

	// Only when the key is set, so that without it the gate's is the only filter.
	@Bean
	@ConditionalOnProperty("concurrency.request-timeout")
	FilterRegistrationBean<RequestDeadlineFilter> concurrencyRequestDeadlineFilter(RequestDeadlines deadlines) {
		FilterRegistrationBean<RequestDeadlineFilter> registration = new FilterRegistrationBean<>(
				new RequestDeadlineFilter(deadlines));
		registration.setName("concurrencyRequestDeadlineFilter");
		registration.setOrder(REQUEST_DEADLINE_FILTER_ORDER);
		// Set to 0: not registered with the server at all.
		registration.setEnabled(deadlines.isEnabled());
		return registration;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty("concurrency.advice.enabled")
	RequestWindow concurrencyRequestWindow() {
		return new RequestWindow();
	}

	// Without the actuator there are no probes to let through.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.springframework.boot.health.actuate.endpoint.HealthEndpoint",
			"org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType" })
	static class ProbePathsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ProbePaths concurrencyProbePaths(Environment environment) {
			return ProbePaths.ofActuator(environment);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnConcurrencyModel(ConcurrencyModel.PLATFORM)
	static class PlatformModelConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RequestGate concurrencyRequestGate(ConcurrencySettings settings) {
			return new RequestGate(settings.requestLimit(), null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnConcurrencyModel(ConcurrencyModel.VIRTUAL)
	static class VirtualModelConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RequestGate concurrencyRequestGate(ConcurrencySettings settings, Environment environment,
				ResourceLoader resourceLoader) {
			AdaptiveLimitRequirement.check(settings, environment, resourceLoader.getClassLoader());
			return AdaptiveLimitRequirement.apply(new RequestGate(settings.requestLimit(), settings.queueTimeout()),
					settings);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory")
	static class TomcatConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TomcatConcurrencyCustomizer tomcatConcurrencyCustomizer(ConcurrencySettings settings,
				ServerTranslation translation, RequestGate gate) {
			return new TomcatConcurrencyCustomizer(settings, translation, gate);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.jetty.ConfigurableJettyWebServerFactory")
	static class JettyConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JettyConcurrencyCustomizer jettyConcurrencyCustomizer(ConcurrencySettings settings,
				ServerTranslation translation, RequestGate gate) {
			return new JettyConcurrencyCustomizer(settings, translation, gate);
		}

	}

}
