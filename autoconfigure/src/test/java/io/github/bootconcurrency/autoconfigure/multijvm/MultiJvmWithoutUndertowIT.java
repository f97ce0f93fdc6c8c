package io.github.bootconcurrency.autoconfigure.multijvm;

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The multi-jvm model in an application that does not have Undertow, an optional
 * dependency of the starter, with real JVMs: the proxy balancer stops the master at once
 * with what to add, and the shared-socket balancer serves without ever loading Undertow.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MultiJvmWithoutUndertowIT {

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class, classPathWithoutUndertow());

	@Test
	void proxyWithoutUndertowStopsTheMasterBeforeAnyWorkerSayingWhatToAdd() throws Exception {
		MasterProcess master = this.masters.start(Balancer.PROXY, 1);
		int status = master.awaitExit(Duration.ofSeconds(60));
		String output = master.output();
		assertThat(status).as(output).isNotZero();
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
		MasterProcess master = this.masters.start(Balancer.SHARED_SOCKET, 1);
		master.awaitReady(1);
		HttpResponse<String> response = Http.get(master.port(), "/where");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		master.signal("TERM");
		assertThat(master.awaitExit(Duration.ofSeconds(60))).as(master.output()).isZero();
		assertThat(master.output()).doesNotContain("NoClassDefFoundError").doesNotContain("io.undertow");
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
