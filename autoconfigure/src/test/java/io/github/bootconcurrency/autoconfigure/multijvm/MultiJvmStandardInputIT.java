package io.github.bootconcurrency.autoconfigure.multijvm;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.bootconcurrency.autoconfigure.testsupport.Balancer;
import io.github.bootconcurrency.autoconfigure.testsupport.Http;
import io.github.bootconcurrency.autoconfigure.testsupport.MasterProcess;
import io.github.bootconcurrency.autoconfigure.testsupport.Masters;
import io.github.bootconcurrency.autoconfigure.testsupport.Reaper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The shared listening socket is fd 0 of every shared-socket worker, and a child process
 * the application starts with its standard input inherited gets the worker's fd 0: with a
 * real master and a real child, the port is free once the master has stopped, though the
 * child still runs. Only the shared-socket balancer puts the socket on a worker's fd 0;
 * behind the proxy a worker's standard input is the master's, never a socket.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MultiJvmStandardInputIT {

	@RegisterExtension
	final Masters masters = Masters.of(MultiJvmTestApplication.class);

	@Test
	void aChildStartedWithTheWorkersStandardInputDoesNotKeepThePortOnceTheMasterStopped() throws Exception {
		MasterProcess master = this.masters.start(Balancer.SHARED_SOCKET, 1);
		master.awaitReady(1);
		int port = master.port();
		ProcessHandle child = ProcessHandle.of(Long.parseLong(Http.get(port, "/child-with-stdin").body().trim()))
			.orElseThrow();
		Reaper.watch(child);
		try {
			master.signal("TERM");
			assertThat(master.awaitExit(Duration.ofSeconds(90))).isZero();
			assertThat(child.isAlive()).as("the child outlives the master").isTrue();
			// Nothing listens on the port any more: a child holding the socket would
			// let the kernel complete this connection into its backlog.
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> {
				try (Socket socket = new Socket()) {
					socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
				}
			});
			try (ServerSocket again = new ServerSocket()) {
				again.bind(new InetSocketAddress("127.0.0.1", port));
			}
		}
		finally {
			child.destroyForcibly();
			child.onExit().get(30, TimeUnit.SECONDS);
			Reaper.forget(child);
		}
	}

}
