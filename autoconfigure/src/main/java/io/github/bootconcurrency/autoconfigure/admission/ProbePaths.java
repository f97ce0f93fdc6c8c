package io.github.bootconcurrency.autoconfigure.admission;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The paths of the health probes that the {@link RequestGateFilter} lets through without
 * holding, counting or rejecting them: a busy instance must still answer its liveness
 * probe, or the platform restarts it for being busy.
 *
 * <p>
 * A request matches only when its URI, exactly as the client sent it, is the servlet
 * context's path followed by one of the paths. The URI is neither decoded nor normalized
 * first: a request with dot segments, path parameters, encoded characters or a trailing
 * slash does not match and passes through the gate like any other, so that nothing the
 * server would route elsewhere can slip past the gate. Probes send the plain path.
 *
 * <p>
 * {@link #ofActuator} reads the paths where Spring Boot's actuator serves the probes.
 */
public final class ProbePaths {

	private static final ProbePaths NONE = new ProbePaths(Set.of());

	private final Set<String> paths;

	/**
	 * Create the probe paths.
	 * @param paths the paths within the servlet context, each starting with {@code /}
	 */
	public ProbePaths(Collection<String> paths) {
		for (String path : paths) {
			if (!path.startsWith("/")) {
				throw new IllegalArgumentException("Probe path '" + path + "' must start with '/'");
			}
		}
		this.paths = Set.copyOf(paths);
	}

	/**
	 * Return the paths of the liveness and readiness probes that Spring Boot serves on
	 * the application's server, read from the same properties Boot reads them from. Only
	 * with the actuator on the class path.
	 * @param environment the environment to read the actuator's properties from
	 * @return the probe paths
	 */
	public static ProbePaths ofActuator(Environment environment) {
		return ActuatorProbes.from(environment);
	}

	/**
	 * Return probe paths that match no request.
	 * @return no probe paths
	 */
	public static ProbePaths none() {
		return NONE;
	}

	/**
	 * Return the paths within the servlet context.
	 * @return the paths
	 */
	public Set<String> getPaths() {
		return this.paths;
	}

	/**
	 * Whether the request is for one of the probe paths.
	 * @param request the request
	 * @return {@code true} if the request's URI is exactly the context path followed by
	 * one of the paths
	 */
	public boolean matches(HttpServletRequest request) {
		if (this.paths.isEmpty()) {
			return false;
		}
		String uri = request.getRequestURI();
		// The context's own path, not the request's: the request's is the raw prefix the
		// client sent, which may spell the same context another way.
		String contextPath = request.getServletContext().getContextPath();
		return uri.startsWith(contextPath) && this.paths.contains(uri.substring(contextPath.length()));
	}

	@Override
	public String toString() {
		return this.paths.toString();
	}

	/**
	 * Reads Boot's actuator classes, an optional dependency. A class of its own, loaded
	 * only when {@link #ofActuator} is called, so that {@link ProbePaths} and the
	 * {@link RequestGateFilter} load without the actuator.
	 */
	private static final class ActuatorProbes {

		private static final String LIVENESS = "liveness";

		private static final String READINESS = "readiness";

		static ProbePaths from(Environment environment) {
			String servletPrefix = prefix(environment.getProperty("spring.mvc.servlet.path"));
			List<String> paths = new ArrayList<>();
			// On a management port of its own, the actuator is served by another server
			// that the gate is not in front of; only the additional paths stay on the
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
			String configured = environment
				.getProperty("management.endpoint.health.group." + group + ".additional-path");
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
		 * Return a path as a prefix: with a leading slash and no trailing one, and empty
		 * for the root.
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

}
