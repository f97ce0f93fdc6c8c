package io.github.bootconcurrency.autoconfigure.multijvm.master;

import io.github.bootconcurrency.autoconfigure.validation.UnknownSettings;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.env.RandomValuePropertySource;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.ResourceLoader;

/**
 * Reads the configuration again, on reload, as Spring Boot read it at startup: a fresh
 * environment with the same command-line arguments and default properties, and the
 * application's configuration files read anew, and a key that is no setting refused
 * ({@link UnknownSettings}).
 */
final class ConfigurationRereader {

	private static final String DEFAULT_PROPERTIES = "defaultProperties";

	private ConfigurationRereader() {
	}

	private static String location(ConfigurableEnvironment environment, String key) {
		String value = environment.getProperty(key);
		return (value != null) ? value + " (" + key + "), " : "";
	}

	static ConfigurableEnvironment reread(ConfigurableEnvironment original, SpringApplication application) {
		StandardEnvironment fresh = new StandardEnvironment();
		PropertySource<?> commandLine = original.getPropertySources()
			.get(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME);
		if (commandLine != null) {
			fresh.getPropertySources().addFirst(commandLine);
		}
		PropertySource<?> defaults = original.getPropertySources().get(DEFAULT_PROPERTIES);
		if (defaults != null) {
			fresh.getPropertySources().addLast(defaults);
		}
		RandomValuePropertySource.addToEnvironment(fresh);
		ResourceLoader resourceLoader = (application.getResourceLoader() != null) ? application.getResourceLoader()
				: new DefaultResourceLoader(application.getClassLoader());
		try {
			ConfigDataEnvironmentPostProcessor.applyTo(fresh, resourceLoader, new DefaultBootstrapContext(),
					application.getAdditionalProfiles());
		}
		catch (RuntimeException ex) {
			// A parser's own message says "in 'reader'": say which files were being read.
			throw new IllegalStateException("Cannot read the configuration files again (application.yml or "
					+ "application.properties and those of the active profiles, on the class path and in "
					+ location(original, "spring.config.location")
					+ location(original, "spring.config.additional-location") + "./config/ and .)", ex);
		}
		// As at startup: a key misspelt in the new files is refused, not ignored.
		UnknownSettings.check(fresh, application.getClassLoader(), (warning) -> {
		});
		return fresh;
	}

}
