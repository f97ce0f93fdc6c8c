package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.AotCacheSetting;
import io.github.bootconcurrency.autoconfigure.testsupport.Commands;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * What a JVM with a Java agent makes of an AOT cache made without one, with plain
 * {@code java} commands: an application recorded and its cache created
 * ({@code -XX:AOTCacheOutput}, which creates it in a JVM of its own, as the master's
 * creation does, without agents), then run with the cache as a worker is, without and
 * with {@code -javaagent} (an agent with a
 * {@link java.lang.instrument.ClassFileTransformer}, as APM agents have). Its lines are
 * read as the master reads a worker's ({@link AotCacheUse}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AotCacheJavaAgentIT {

	private static final Duration RUN = Duration.ofMinutes(1);

	private static final String MAIN = """
			package demo;

			import java.util.List;
			import java.util.stream.Stream;

			public class Main {

				public static void main(String[] args) {
					List<String> words = Stream.of("aot", "cache").map(String::toUpperCase).toList();
					System.out.println("started " + new Greeting().text() + " " + words);
				}

			}

			class Greeting {

				String text() {
					return "hello";
				}

			}
			""";

	private static final String AGENT = """
			package agent;

			import java.lang.instrument.ClassFileTransformer;
			import java.lang.instrument.Instrumentation;
			import java.security.ProtectionDomain;

			public class Agent {

				public static void premain(String arguments, Instrumentation instrumentation) {
					instrumentation.addTransformer(new ClassFileTransformer() {

						@Override
						public byte[] transform(ClassLoader loader, String name, Class<?> type,
								ProtectionDomain domain, byte[] bytes) {
							return null;
						}

					});
				}

			}
			""";

	@TempDir
	Path directory;

	private Path app;

	private Path agent;

	private Path cache;

	@BeforeEach
	void build() throws IOException {
		assumeThat(Runtime.version().feature()).as("an AOT cache recorded as the JVM exits needs Java 25")
			.isGreaterThanOrEqualTo(25);
		this.app = jar("app", "demo/Main.java", MAIN, Attributes.Name.MAIN_CLASS, "demo.Main");
		this.agent = jar("agent", "agent/Agent.java", AGENT, new Attributes.Name("Premain-Class"), "agent.Agent");
		this.cache = this.directory.resolve("app.aot");
		Commands.Result recorded = java("-XX:AOTCacheOutput=" + this.cache, "-cp", this.app.toString(), "demo.Main");
		assertThat(recorded.exitValue()).as(recorded.output()).isZero();
		assertThat(this.cache).as(recorded.output()).isRegularFile();
	}

	@Test
	void withoutAnAgentTheCacheIsUsed() {
		Commands.Result run = java("-XX:AOTCache=" + this.cache, AotCacheUse.LOG_OPTION, "-cp", this.app.toString(),
				"demo.Main");
		assertThat(run.exitValue()).as(run.output()).isZero();
		assertThat(run.output()).contains("Opened AOT cache").contains("Using AOT-linked classes: true");
		assertThat(asTheMasterReadsIt(run)).as(run.output()).isEqualTo(WorkerProcess.AOT_CACHE_USED);
	}

	@Test
	void aJavaAgentMakesTheJvmRefuseACacheMadeWithoutItSoAutoIsOffUpFront() {
		Commands.Result run = java("-XX:AOTCache=" + this.cache, AotCacheUse.LOG_OPTION,
				"-javaagent:" + this.agent + "=key=hunter2", "-cp", this.app.toString(), "demo.Main");
		assertThat(run.exitValue()).as("it runs all the same").isZero();
		// -javaagent adds the java.instrument module: the cache's module graph, and with
		// it its AOT-linked classes, no longer fit. If a JDK opens it, the master can
		// give the cache to workers with an agent: AotCacheSetting.LOAD_AN_AGENT goes.
		assertThat(run.output()).as(run.output())
			.contains("Mismatched values for property jdk.module.addmods: java.instrument specified during runtime "
					+ "but not during dump time")
			.contains(
					"AOT cache has aot-linked classes. It cannot be used when archived full module graph is not used.")
			.contains("Unable to map shared spaces")
			.contains("started hello");
		assertThat(asTheMasterReadsIt(run)).as(run.output()).startsWith(AotCacheUse.REFUSED);
		// So auto is off up front rather than recorded, refused and recorded again.
		assertThat(new AotCacheSetting.Auto(true).resolve(Runtime.version(), true,
				List.of("-javaagent:" + this.agent + "=key=hunter2")))
			.isEqualTo(new AotCacheSetting.Off("a Java agent is loaded (-javaagent:" + this.agent
					+ "): the JVM does not open an AOT cache beside one"));
	}

	private String asTheMasterReadsIt(Commands.Result run) {
		List<String> refusals = new ArrayList<>();
		AotCacheUse use = new AotCacheUse(WorkerProcess.AOT_CACHE_USED, (reason, readyLine) -> refusals.add(reason));
		run.output().lines().forEach(use::accept);
		use.ready();
		return use.use().orElseThrow()
				+ refusals.stream().map((reason) -> " (" + reason + ")").reduce("", String::concat);
	}

	private Commands.Result java(String... arguments) {
		List<String> command = new ArrayList<>(List.of(MasterProcess.java(), "-XX:+UseSerialGC", "-Xmx64m"));
		command.addAll(List.of(arguments));
		return Commands.run(command, RUN);
	}

	private Path jar(String name, String file, String source, Attributes.Name attribute, String value)
			throws IOException {
		Path sources = Files.createDirectories(this.directory.resolve(name + "-src"));
		Path sourceFile = sources.resolve(file);
		Files.createDirectories(sourceFile.getParent());
		Files.writeString(sourceFile, source);
		Path classes = Files.createDirectories(this.directory.resolve(name + "-classes"));
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		assertThat(compiler).as("the test runs on a JDK").isNotNull();
		assertThat(compiler.run(null, null, null, "-d", classes.toString(), sourceFile.toString())).isZero();
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().put(attribute, value);
		Path jar = this.directory.resolve(name + ".jar");
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
				Stream<Path> files = Files.walk(classes)) {
			for (Path path : files.filter(Files::isRegularFile).toList()) {
				out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
				Files.copy(path, (OutputStream) out);
				out.closeEntry();
			}
		}
		return jar;
	}

}
