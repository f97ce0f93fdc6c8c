package io.github.bootconcurrency.autoconfigure.multijvm;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.KeptAliveClients;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import io.github.bootconcurrency.autoconfigure.testsupport.Traffic;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drained workers lose no request of clients on kept-alive connections that never retry
 * (as wrk, most non-Java clients and every POST): on a reload, a scale down and
 * {@code max-requests} recycles, with Tomcat and with Jetty workers, under both
 * balancers. Under {@code shared-socket} a drained worker answers what it already read
 * and what comes on its connections meanwhile, telling each client
 * {@code Connection: close}, so that the client's next request goes on a new connection,
 * to a worker that still accepts; under {@code proxy} the master takes the worker out of
 * its balancer first and the client's connection, which is to the master, stays open (one
 * server there: the worker's server never sees the clients' connections).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class MultiJvmDrainKeptAliveClientsIT {

	private static final String TOMCAT = "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration";

	private static final String JETTY = "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration";

	private static final Pattern STOPPED = Pattern.compile("worker \\d+ \\(pid \\d+, .*\\) stopped with status");

	private static final int CLIENTS = 16;

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	@ParameterizedTest(name = "{0}, {1}")
	@CsvSource({ "SHARED_SOCKET, Tomcat", "SHARED_SOCKET, Jetty", "PROXY, Tomcat" })
	void aReloadThenAScaleDownLoseNoRequestOfKeptAliveClients(Balancer balancer, String server) throws Exception {
		MasterProcess master = this.masters.start(balancer, 2, exclude(server));
		master.awaitReady(2);
		List<Long> first = master.readyPids();
		KeptAliveClients clients = KeptAliveClients.start(master.port(), "/where", CLIENTS, Duration.ofMinutes(4));
		clients.awaitOk(500, Duration.ofSeconds(60));
		master.signal("HUP");
		master.awaitReady(4);
		for (long old : first) {
			master.awaitStopped(old, Duration.ofSeconds(90));
		}
		clients.awaitOk(clients.ok() + 500, Duration.ofSeconds(60));
		master.signal("TTOU");
		master.lines().await(STOPPED, 3, Duration.ofSeconds(90));
		clients.awaitOk(clients.ok() + 500, Duration.ofSeconds(60));
		assertNoneLost(balancer, clients);
	}

	// Jetty's drain is the reload's, checked above: a recycle differs only in what starts
	// it.
	@ParameterizedTest(name = "{0}, {1}")
	@CsvSource({ "SHARED_SOCKET, Tomcat", "PROXY, Tomcat" })
	void maxRequestsRecyclesLoseNoRequestOfKeptAliveClients(Balancer balancer, String server) throws Exception {
		MasterProcess master = this.masters.start(balancer, 2, exclude(server),
				"--concurrency.multi-jvm.max-requests=1500", "--concurrency.multi-jvm.max-requests-jitter=500");
		master.awaitReady(2);
		KeptAliveClients clients = KeptAliveClients.start(master.port(), "/where", CLIENTS, Duration.ofMinutes(5));
		master.lines().await(STOPPED, 2, Duration.ofMinutes(4));
		clients.awaitOk(clients.ok() + 500, Duration.ofSeconds(60));
		assertNoneLost(balancer, clients);
	}

	private static String exclude(String server) {
		return "--spring.autoconfigure.exclude=" + (server.equals("Tomcat") ? JETTY : TOMCAT);
	}

	private static void assertNoneLost(Balancer balancer, KeptAliveClients clients) throws Exception {
		int connections = clients.connections();
		List<Traffic.Exchange> exchanges = clients.stop();
		List<Traffic.Exchange> lost = exchanges.stream().filter((exchange) -> !exchange.ok()).toList();
		assertThat(lost)
			.as("%d requests lost of %d on %d connections; the first: %s", lost.size(), exchanges.size(), connections,
					lost.stream().limit(20).toList())
			.isEmpty();
		if (balancer == Balancer.SHARED_SOCKET) {
			// Every drained worker told its clients to reconnect.
			assertThat(connections).isGreaterThan(CLIENTS);
		}
		else {
			// The clients' connections are to the master, which never closed one.
			assertThat(connections).isEqualTo(CLIENTS);
		}
	}

}
