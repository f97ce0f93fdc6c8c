package io.github.bootconcurrency.autoconfigure.admission;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Where Spring Boot serves the liveness and readiness probes on the application's own
 * server, read from the same properties Boot reads them from. It needs the actuator on
 * the class path, which {@link ProbePaths} and the {@link RequestGateFilter} do not.
 */
public final class HealthProbePaths {

	private static final String LIVENESS = "liveness";

	private static final String READINESS = "readiness";

	private HealthProbePaths() {
	}

	/**
	 * Return the paths of the liveness and readiness probes that Spring Boot serves on
	 * the application's server.
	 * @param environment the environment to read the actuator's properties from
	 * @return the probe paths
	 */
	public static ProbePaths from(Environment environment) {
		String servletPrefix = prefix(environment.getProperty("spring.mvc.servlet.path"));
		List<String> paths = new ArrayList<>();
		// On a management port of its own, the actuator is served by another server that
		// the gate is not in front of; only the additional paths stay on the
		// application's.
		if (ManagementPortType.get(environment) == ManagementPortType.SAME) {
			WebEndpointProperties web = Binder.get(environment)
				.bindOrCreate("management.endpoints.web", WebEndpointProperties.class);
			String health = prefix(web.getPathMapping().getOrDefault("health", "health"));
			String group = servletPrefix + prefix(web.getBasePath()) + health + "/";
			paths.add(group + LIVENESS);
			paths.add(group + READINESS);
		}
		boolean addAdditionalPaths = "true"
			.equalsIgnoreCase(environment.getProperty("management.endpoint.health.probes.add-additional-paths"));
		addAdditionalPath(environment, LIVENESS, addAdditionalPaths ? "/livez" : null, servletPrefix, paths);
		addAdditionalPath(environment, READINESS, addAdditionalPaths ? "/readyz" : null, servletPrefix, paths);
		return new ProbePaths(paths);
	}

	// As Boot does, a group's own additional path replaces the one that
	// add-additional-paths would give it.
	private static void addAdditionalPath(Environment environment, String group, @Nullable String defaultPath,
			String servletPrefix, List<String> paths) {
		String configured = environment.getProperty("management.endpoint.health.group." + group + ".additional-path");
		if (StringUtils.hasText(configured)) {
			AdditionalHealthEndpointPath path = AdditionalHealthEndpointPath.from(configured);
			if (path.hasNamespace(WebServerNamespace.SERVER)) {
				paths.add(servletPrefix + prefix(path.getValue()));
			}
		}
		else if (defaultPath != null) {
			paths.add(servletPrefix + defaultPath);
		}
	}

	/**
	 * Return a path as a prefix: with a leading slash and no trailing one, and empty for
	 * the root.
	 */
	private static String prefix(@Nullable String path) {
		if (!StringUtils.hasText(path)) {
			return "";
		}
		String trimmed = StringUtils.trimTrailingCharacter(path.trim(), '/');
		if (trimmed.isEmpty()) {
			return "";
		}
		return trimmed.startsWith("/") ? trimmed : "/" + trimmed;
	}

}
