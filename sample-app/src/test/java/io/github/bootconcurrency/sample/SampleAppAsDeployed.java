package io.github.bootconcurrency.sample;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The sample app started in this JVM as {@code deploy/kubernetes/deployment.yaml} starts
 * it: the container's environment (as a system environment, so that Spring Boot maps
 * {@code SPRING_PROFILES_ACTIVE} and friends as it does in a pod) and its arguments. What
 * differs, and only that: both ports are free ones (so that the ports the Deployment
 * declares can be mapped to them), Redis is a test server on loopback, and each Secret
 * reference gets a test value. {@code JAVA_TOOL_OPTIONS} cannot apply to a JVM that is
 * already running; {@link KubernetesManifestsTests} starts a JVM with them on its own.
 */
final class SampleAppAsDeployed implements AutoCloseable {

	static final Path ROOT = repositoryRoot();

	static final Path DEPLOY = ROOT.resolve("deploy");

	static final Path DEPLOYMENT = DEPLOY.resolve("kubernetes/deployment.yaml");

	/**
	 * The port the sample app listens on when nothing sets one ({@code ${PORT:8080}}).
	 */
	private static final int APP_DEFAULT_PORT = 8080;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final Map<String, Object> container;

	private final int declaredServerPort;

	private final int declaredManagementPort;

	private final ConfigurableApplicationContext context;

	private SampleAppAsDeployed(Map<String, Object> container, int declaredServerPort, int declaredManagementPort,
			ConfigurableApplicationContext context) {
		this.container = container;
		this.declaredServerPort = declaredServerPort;
		this.declaredManagementPort = declaredManagementPort;
		this.context = context;
	}

	/**
	 * Start the app with the Deployment's environment and arguments.
	 * @param secrets a test value for each Secret reference, keyed {@code name/key}
	 * @param redisPort the port of a test Redis on loopback
	 * @return the running app
	 */
	static SampleAppAsDeployed start(Map<String, String> secrets, int redisPort) {
		Map<String, Object> container = container(deployment());
		Map<String, String> environment = environment(container, secrets);
		int serverPort = Integer.parseInt(environment.getOrDefault("SERVER_PORT",
				environment.getOrDefault("PORT", Integer.toString(APP_DEFAULT_PORT))));
		int managementPort = Integer
			.parseInt(environment.getOrDefault("MANAGEMENT_SERVER_PORT", Integer.toString(serverPort)));
		// Free ports instead of the declared ones, mapped back by localPort.
		environment.remove("SERVER_PORT");
		environment.put("PORT", "0");
		if (managementPort != serverPort) {
			environment.put("MANAGEMENT_SERVER_PORT", "0");
		}
		environment.put("SPRING_DATA_REDIS_HOST", "127.0.0.1");
		environment.put("SPRING_DATA_REDIS_PORT", Integer.toString(redisPort));
		StandardEnvironment springEnvironment = new StandardEnvironment();
		springEnvironment.getPropertySources()
			.addBefore(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource("deploymentEnvironment", new LinkedHashMap<>(environment)));
		List<String> arguments = new ArrayList<>();
		for (Object argument : list(container.get("args"))) {
			arguments.add(argument.toString());
		}
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.environment(springEnvironment)
			.run(arguments.toArray(String[]::new));
		return new SampleAppAsDeployed(container, serverPort, managementPort, context);
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	int declaredServerPort() {
		return this.declaredServerPort;
	}

	int declaredManagementPort() {
		return this.declaredManagementPort;
	}

	/**
	 * Return the port on this machine that stands for a port of the Deployment.
	 * @param declared a container port number
	 * @return the port the running app listens on in its place
	 */
	int localPort(int declared) {
		if (declared == this.declaredManagementPort && declared != this.declaredServerPort) {
			return Integer.parseInt(this.context.getEnvironment().getProperty("local.management.port"));
		}
		if (declared == this.declaredServerPort) {
			return Integer.parseInt(this.context.getEnvironment().getProperty("local.server.port"));
		}
		return fail(
				"Port %d is neither the application's port (%d) nor the management port (%d) of the app as"
						+ " the Deployment configures it",
				declared, this.declaredServerPort, this.declaredManagementPort);
	}

	/**
	 * Resolve a probe's or a monitor's {@code port}: a container port's name or number.
	 * @param port the name or number
	 * @return the container port number
	 */
	int containerPort(Object port) {
		for (Object entry : list(this.container.get("ports"))) {
			Map<String, Object> containerPort = map(entry);
			if (port.equals(containerPort.get("name"))
					|| port.toString().equals(containerPort.get("containerPort").toString())) {
				return Integer.parseInt(containerPort.get("containerPort").toString());
			}
		}
		return fail("The container declares no port %s: %s", port, this.container.get("ports"));
	}

	HttpResponse<String> get(int declaredPort, String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + localPort(declaredPort) + path))
			.timeout(Duration.ofSeconds(30))
			.build();
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	@Override
	public void close() {
		this.context.close();
	}

	// The manifests, read as Kubernetes reads them.

	static Map<String, Object> deployment() {
		return documents(DEPLOYMENT).stream()
			.filter((document) -> "Deployment".equals(document.get("kind")))
			.findFirst()
			.orElseGet(() -> fail("No Deployment in " + DEPLOYMENT));
	}

	static Map<String, Object> container(Map<String, Object> deployment) {
		List<Object> containers = list(at(deployment, "spec", "template", "spec", "containers"));
		assertThat(containers).as("containers of the Deployment").hasSize(1);
		return map(containers.get(0));
	}

	/**
	 * Return the container's environment, with each Secret reference replaced by its test
	 * value.
	 */
	static Map<String, String> environment(Map<String, Object> container, Map<String, String> secrets) {
		Map<String, String> environment = new LinkedHashMap<>();
		for (Object entry : list(container.get("env"))) {
			Map<String, Object> variable = map(entry);
			String name = (String) variable.get("name");
			if (variable.containsKey("value")) {
				environment.put(name, variable.get("value").toString());
			}
			else {
				Map<String, Object> secret = map(at(variable, "valueFrom", "secretKeyRef"));
				String reference = secret.get("name") + "/" + secret.get("key");
				assertThat(secrets).as("a test value for the Secret reference of " + name).containsKey(reference);
				environment.put(name, secrets.get(reference));
			}
		}
		return environment;
	}

	/**
	 * Parse every YAML document of a file, safely (no arbitrary types).
	 */
	static List<Map<String, Object>> documents(Path file) {
		Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
		List<Map<String, Object>> documents = new ArrayList<>();
		try (Reader reader = Files.newBufferedReader(file)) {
			for (Object document : yaml.loadAll(reader)) {
				if (document != null) {
					documents.add(map(document));
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return documents;
	}

	/**
	 * Follow keys from a parsed YAML node; fail, naming the path, if one is missing.
	 */
	static Object at(Object node, String... keys) {
		Object current = node;
		StringBuilder path = new StringBuilder();
		for (String key : keys) {
			path.append('.').append(key);
			if (!(current instanceof Map<?, ?> map) || !map.containsKey(key)) {
				return fail("Missing %s in %s", path, node);
			}
			current = map.get(key);
		}
		return current;
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object node) {
		assertThat(node).isInstanceOf(Map.class);
		return (Map<String, Object>) node;
	}

	@SuppressWarnings("unchecked")
	static List<Object> list(Object node) {
		if (node == null) {
			return List.of();
		}
		assertThat(node).isInstanceOf(List.class);
		return (List<Object>) node;
	}

	private static Path repositoryRoot() {
		Path directory = Path.of("").toAbsolutePath();
		for (int i = 0; i < 3 && directory != null; i++) {
			if (Files.isDirectory(directory.resolve("deploy/kubernetes"))) {
				return directory;
			}
			directory = directory.getParent();
		}
		throw new IllegalStateException("No deploy/kubernetes above " + Path.of("").toAbsolutePath());
	}

}
