package io.github.bootconcurrency.benchmark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port where nothing listens, and nothing else can while the test holds it: a
 * socket bound to a port the kernel chose, never put in the listening state. A connection
 * to it is refused, as to a server that is down, and unlike a port picked and let go, no
 * other process can start listening on it meanwhile. (The auto-configuration's tests have
 * the same; the benchmark does not depend on their jar.)
 */
final class ClosedPort implements AutoCloseable {

	private final Socket socket = new Socket();

	ClosedPort() throws IOException {
		this.socket.bind(new InetSocketAddress("127.0.0.1", 0));
	}

	int port() {
		return this.socket.getLocalPort();
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
