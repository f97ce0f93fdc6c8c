package io.github.bootconcurrency.autoconfigure.multijvm.master.config;

import java.util.ArrayList;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.validation.UnknownSettings;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.boot.support.EnvironmentPostProcessorsFactory;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Reads the configuration again, on reload, as Spring Boot read it at startup: a fresh
 * environment with the same command-line arguments and default properties, the system
 * properties and environment variables read anew, and every environment post-processor
 * that a start runs run again, so that what only they see is seen again
 * ({@code SPRING_APPLICATION_JSON}, the configuration files and their locations, the
 * profiles, the application's own post-processors), and a key that is no setting refused
 * ({@link UnknownSettings}).
 */
public final class ConfigurationRereader {

	private static final String DEFAULT_PROPERTIES = "defaultProperties";

	/**
	 * Spring Boot's source of {@code spring.application.*}, set up before the
	 * post-processors run (its class is not public).
	 */
	private static final String APPLICATION_INFO = "applicationInfo";

	/**
	 * The post-processor that makes a JVM the master: run again, it would start a second
	 * master inside this one.
	 */
	static final String MASTER_TAKEOVER = "io.github.bootconcurrency.autoconfigure.multijvm.startup.MultiJvmEnvironmentPostProcessor";

	private ConfigurationRereader() {
	}

	private static String location(ConfigurableEnvironment environment, String key) {
		String value = environment.getProperty(key);
		return (value != null) ? value + " (" + key + "), " : "";
	}

	public static ConfigurableEnvironment reread(ConfigurableEnvironment original, SpringApplication application) {
		// As SpringApplication.prepareEnvironment does, in its order.
		StandardEnvironment fresh = new StandardEnvironment();
		fresh.setConversionService((ApplicationConversionService) ApplicationConversionService.getSharedInstance());
		PropertySource<?> commandLine = original.getPropertySources()
			.get(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME);
		if (commandLine != null) {
			fresh.getPropertySources().addFirst(commandLine);
		}
		for (String name : List.of(APPLICATION_INFO, DEFAULT_PROPERTIES)) {
			PropertySource<?> source = original.getPropertySources().get(name);
			if (source != null) {
				fresh.getPropertySources().addLast(source);
			}
		}
		ConfigurationPropertySources.attach(fresh);
		for (EnvironmentPostProcessor postProcessor : postProcessors(application)) {
			postProcess(postProcessor, fresh, original, application);
		}
		DefaultPropertiesPropertySource.moveToEnd(fresh);
		// As at startup: a key misspelt in the new files is refused, not ignored.
		UnknownSettings.check(fresh, application.getClassLoader(), (warning) -> {
		});
		return fresh;
	}

	/**
	 * Return the post-processors a start runs, in their order, but the master's own.
	 * Their log lines are deferred, and dropped, as those of the master's start are: the
	 * master takes over the JVM before Spring Boot replays them.
	 */
	private static List<EnvironmentPostProcessor> postProcessors(SpringApplication application) {
		ClassLoader classLoader = (application.getClassLoader() != null) ? application.getClassLoader()
				: ConfigurationRereader.class.getClassLoader();
		List<EnvironmentPostProcessor> postProcessors = new ArrayList<>(
				EnvironmentPostProcessorsFactory.fromSpringFactories(classLoader)
					.getEnvironmentPostProcessors(new DeferredLogs(), new DefaultBootstrapContext()));
		postProcessors.removeIf((postProcessor) -> postProcessor.getClass().getName().equals(MASTER_TAKEOVER));
		AnnotationAwareOrderComparator.sort(postProcessors);
		return postProcessors;
	}

	private static void postProcess(EnvironmentPostProcessor postProcessor, ConfigurableEnvironment fresh,
			ConfigurableEnvironment original, SpringApplication application) {
		try {
			postProcessor.postProcessEnvironment(fresh, application);
		}
		catch (RuntimeException ex) {
			if (!(postProcessor instanceof ConfigDataEnvironmentPostProcessor)) {
				throw ex;
			}
			// A parser's own message says "in 'reader'": say which files were being read.
			throw new IllegalStateException("Cannot read the configuration files again (application.yml or "
					+ "application.properties and those of the active profiles, on the class path and in "
					+ location(original, "spring.config.location")
					+ location(original, "spring.config.additional-location") + "./config/ and .)", ex);
		}
	}

}
