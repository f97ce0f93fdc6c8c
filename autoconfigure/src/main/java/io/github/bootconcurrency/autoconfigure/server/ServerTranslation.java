package io.github.bootconcurrency.autoconfigure.server;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the starter's settings became in the server's own terms, recorded by the server
 * customizer that applied them, so that the {@code concurrency} endpoint can show the
 * translation rather than a guess at it.
 */
public final class ServerTranslation {

	private volatile String server = "unknown";

	private final Map<String, Object> applied = Collections.synchronizedMap(new LinkedHashMap<>());

	/**
	 * Record a setting as applied to the server.
	 * @param server the server, {@code tomcat} or {@code jetty}
	 * @param setting the setting, in the server's own terms
	 * @param value the value applied
	 */
	public void record(String server, String setting, Object value) {
		this.server = server;
		this.applied.put(setting, value);
	}

	/**
	 * Return the name of the server the settings were applied to.
	 * @return {@code tomcat}, {@code jetty}, or {@code unknown} before the server starts
	 */
	public String getServer() {
		return this.server;
	}

	/**
	 * Return the server settings applied, by the server's own names.
	 * @return the settings applied
	 */
	public Map<String, Object> getApplied() {
		synchronized (this.applied) {
			return Collections.unmodifiableMap(new LinkedHashMap<>(this.applied));
		}
	}

}
