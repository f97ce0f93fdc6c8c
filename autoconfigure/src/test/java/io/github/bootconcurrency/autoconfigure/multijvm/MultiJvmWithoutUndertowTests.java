package io.github.bootconcurrency.autoconfigure.multijvm;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The multi-jvm model in an application that does not have Undertow, an optional
 * dependency of the starter, with real JVMs: the proxy balancer stops the master at once
 * with what to add, and the shared-socket balancer serves without ever loading Undertow.
 */
class MultiJvmWithoutUndertowTests {

	private MasterProcess master;

	@AfterEach
	void stop() {
		if (this.master != null) {
			this.master.kill();
		}
	}

	@Test
	void proxyWithoutUndertowStopsTheMasterBeforeAnyWorkerSayingWhatToAdd() throws Exception {
		this.master = MasterProcess.start(MultiJvmTestApplication.class, classPathWithoutUndertow(), 1, List.of(),
				"--concurrency.multi-jvm.balancer=proxy");
		assertThat(this.master.process().waitFor(60, TimeUnit.SECONDS)).as(this.master.output()).isTrue();
		String output = this.master.output();
		assertThat(this.master.process().exitValue()).as(output).isNotZero();
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("The multi-jvm master cannot proxy requests")
			.contains("concurrency.multi-jvm.balancer=proxy (from ")
			.contains("Add io.undertow:undertow-core:2.4.4.Final")
			.contains("set concurrency.multi-jvm.balancer=shared-socket")
			.doesNotContain("[master] worker")
			.doesNotContain("NoClassDefFoundError");
	}

	@Test
	void sharedSocketServesWithoutUndertow() throws Exception {
		this.master = MasterProcess.start(MultiJvmTestApplication.class, classPathWithoutUndertow(), 1, List.of(),
				"--concurrency.multi-jvm.balancer=shared-socket");
		this.master.awaitReady(1);
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.master.port() + "/where"))
			.timeout(Duration.ofSeconds(10))
			.build();
		try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
			HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		}
		this.master.signal("TERM");
		assertThat(this.master.process().waitFor(60, TimeUnit.SECONDS)).as(this.master.output()).isTrue();
		assertThat(this.master.process().exitValue()).as(this.master.output()).isZero();
		assertThat(this.master.output()).doesNotContain("NoClassDefFoundError").doesNotContain("io.undertow");
	}

	/**
	 * The test class path without Undertow and XNIO, as an application that does not add
	 * them has it.
	 */
	private static String classPathWithoutUndertow() {
		List<String> entries = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> {
				String name = Path.of(entry).getFileName().toString();
				return !name.startsWith("undertow-") && !name.startsWith("xnio-");
			})
			.toList();
		assertThat(String.join(File.pathSeparator, entries)).doesNotContain("undertow-core").contains("spring-boot-");
		return String.join(File.pathSeparator, entries);
	}

}
