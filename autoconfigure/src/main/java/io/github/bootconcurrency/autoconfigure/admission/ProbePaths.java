package io.github.bootconcurrency.autoconfigure.admission;

import java.util.Collection;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

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

}
