package io.github.bootconcurrency.autoconfigure.testsupport;

import java.nio.file.Path;
import java.util.List;

import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * Environments loaded as a started application's is: command-line arguments, then the
 * configuration files of a directory, profiles included, read by Spring Boot's own config
 * data loading. For the tests of what the starter does with that configuration before any
 * bean exists.
 */
public final class ConfigDataEnvironments {

	private ConfigDataEnvironments() {
	}

	/**
	 * Load an environment.
	 * @param config the directory of the configuration files
	 * @param arguments the command-line arguments
	 * @return the environment with the configuration loaded
	 */
	public static StandardEnvironment load(Path config, String... arguments) {
		StandardEnvironment environment = new StandardEnvironment();
		String[] all = new String[arguments.length + 1];
		System.arraycopy(arguments, 0, all, 0, arguments.length);
		all[arguments.length] = "--spring.config.location=file:" + config + "/";
		environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(all));
		ConfigDataEnvironmentPostProcessor.applyTo(environment, new DefaultResourceLoader(),
				new DefaultBootstrapContext(), List.of());
		return environment;
	}

}
