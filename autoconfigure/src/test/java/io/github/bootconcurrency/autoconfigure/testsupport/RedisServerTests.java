package io.github.bootconcurrency.autoconfigure.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisServer}: its ports, its retries, and what it leaves behind.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisServerTests {

	@Test
	void aPortWhereAnotherServerAnswersIsLeftForAnotherPort() throws Exception {
		try (ServerSocket impostor = bindBelowEphemeralRange()) {
			// It answers PING as a Redis would: only the process's own socket tells them
			// apart.
			Thread.ofVirtual().start(() -> answerPong(impostor));
			Iterator<Integer> ports = List.of(impostor.getLocalPort()).iterator();
			try (RedisServer redis = RedisServer.start(null,
					() -> ports.hasNext() ? ports.next() : FixedPorts.candidate(0))) {
				assertThat(redis.port()).isNotEqualTo(impostor.getLocalPort());
				assertThat(MasterProcess.listeningPorts(redis.handle().pid())).contains(redis.port());
				assertThat(redis.command("PING")).contains("PONG");
			}
		}
	}

	@Test
	void portsAreBelowTheEphemeralRangeAndSoIsAClusterNodesBusPort() throws Exception {
		try (RedisServer standalone = RedisServer.start(); RedisServer node = RedisServer.startClusterNode()) {
			assertThat(standalone.port()).isBetween(FixedPorts.LOWEST, FixedPorts.ephemeralLow() - 1);
			assertThat(node.port() + 10_000).isBetween(FixedPorts.LOWEST, FixedPorts.ephemeralLow() - 1);
			assertThat(MasterProcess.listeningPorts(node.handle().pid())).contains(node.port(), node.port() + 10_000);
		}
	}

	@Test
	void aKilledServerComesBackOnItsPortAndCloseLeavesNothingBehind() throws Exception {
		RedisServer redis = RedisServer.start("pa55");
		int port = redis.port();
		ProcessHandle first = redis.handle();
		redis.kill();
		assertThat(first.isAlive()).isFalse();
		redis.restart();
		assertThat(redis.port()).isEqualTo(port);
		assertThat(redis.command("PING")).contains("PONG");
		ProcessHandle second = redis.handle();
		Path directory = redis.directory();
		redis.close();
		assertThat(second.isAlive()).isFalse();
		assertThat(directory).doesNotExist();
	}

	private static ServerSocket bindBelowEphemeralRange() throws IOException {
		for (int attempt = 0;; attempt++) {
			ServerSocket socket = new ServerSocket();
			try {
				socket.bind(new InetSocketAddress("127.0.0.1", FixedPorts.candidate(0)));
				return socket;
			}
			catch (IOException ex) {
				socket.close();
				if (attempt == 10) {
					throw ex;
				}
			}
		}
	}

	private static void answerPong(ServerSocket server) {
		while (!server.isClosed()) {
			try (Socket client = server.accept()) {
				OutputStream out = client.getOutputStream();
				out.write("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
				out.flush();
			}
			catch (IOException ex) {
				// Closed at the end of the test.
			}
		}
	}

}
