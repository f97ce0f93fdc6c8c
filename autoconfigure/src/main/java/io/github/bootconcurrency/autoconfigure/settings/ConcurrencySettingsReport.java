package io.github.bootconcurrency.autoconfigure.settings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.model.ConcurrencyModel;
import io.github.bootconcurrency.autoconfigure.validation.ConfiguredValue;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.env.Environment;

/**
 * Logs, once at startup, the model in force and anything the user set that it will not
 * use or that the operating system will quietly cut down.
 *
 * <p>
 * Keys of the model not in use are a normal per-profile pattern (application.yml sets
 * both, a profile picks one), so they are reported at info level, not failed for being
 * set (their values are still checked). Limits above what the kernel allows are warnings:
 * the app works, but not as configured.
 */
public final class ConcurrencySettingsReport {

	private static final Log logger = LogFactory.getLog(ConcurrencySettingsReport.class);

	private static final Path SOMAXCONN = Path.of("/proc/sys/net/core/somaxconn");

	private ConcurrencySettingsReport() {
	}

	/**
	 * Log the summary and any warnings.
	 * @param settings the settings in force
	 * @param environment the environment, to find keys that go unused
	 */
	public static void log(ConcurrencySettings settings, Environment environment) {
		logger.info("Serving requests with the '" + settings.model().value() + "' concurrency model, chosen by "
				+ settings.decision().reason() + ": " + settings.describe());
		List<String> unused = (settings.model() == ConcurrencyModel.PLATFORM)
				? List.of("concurrency.virtual.max-concurrent-requests", "concurrency.virtual.queue-timeout",
						"concurrency.virtual.limit", "concurrency.virtual.min-concurrent-requests")
				: List.of("concurrency.platform.max-threads", "concurrency.platform.min-threads",
						"server.tomcat.threads.max", "server.tomcat.threads.min-spare", "server.jetty.threads.max",
						"server.jetty.threads.min");
		for (String key : unused) {
			ConfiguredValue value = ConfiguredValue.find(environment, key);
			if (value != null) {
				logger.info(value.describe() + " is not used by the '" + settings.model().value() + "' model");
			}
		}
		ConfiguredValue minRequests = ConfiguredValue.find(environment, "concurrency.virtual.min-concurrent-requests");
		if (settings.model() != ConcurrencyModel.PLATFORM && !settings.adaptiveLimit() && minRequests != null) {
			logger.info(minRequests.describe() + " is not used by a fixed limit (concurrency.virtual.limit=fixed)");
		}
		long somaxconn = readSomaxconn();
		if (somaxconn > 0 && settings.backlog() > somaxconn) {
			logger.warn("concurrency.backlog=" + settings.backlog() + " is above the kernel's net.core.somaxconn="
					+ somaxconn + ": the kernel caps the listen backlog at " + somaxconn
					+ ". Raise net.core.somaxconn or lower concurrency.backlog.");
		}
		long maxFiles = OpenFiles.limit();
		if (maxFiles > 0 && settings.maxConnections() > maxFiles) {
			logger.warn("concurrency.max-connections=" + settings.maxConnections()
					+ " is above this process's limit of " + maxFiles
					+ " open files: connections past it fail with 'Too many open files'. Raise the limit (ulimit -n)"
					+ " or lower concurrency.max-connections.");
		}
	}

	private static long readSomaxconn() {
		try {
			if (!Files.isReadable(SOMAXCONN)) {
				return -1;
			}
			// procfs reports a size of 0, which trips size-based reads: read it as lines.
			return Long.parseLong(Files.readAllLines(SOMAXCONN).get(0).trim());
		}
		catch (Exception ex) {
			return -1;
		}
	}

}
