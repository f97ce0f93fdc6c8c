package io.github.bootconcurrency.autoconfigure.multijvm.master.balancer;

import java.io.IOException;

import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Worker;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.WorkerBalancer;

/**
 * The {@code shared-socket} balancer: the master only holds the listening socket, and the
 * kernel hands each connection to whichever worker accepts it first. A worker that stops
 * closes its own copy of the socket; connections not yet accepted stay in the shared
 * backlog for the others. So there is nothing to add or remove per worker.
 */
public final class SharedSocketBalancer implements WorkerBalancer {

	private final String host;

	private final int port;

	private final int backlog;

	private int boundPort;

	public SharedSocketBalancer(String host, int port, int backlog) {
		this.host = host;
		this.port = port;
		this.backlog = backlog;
	}

	@Override
	public void start() {
		this.boundPort = SharedSocket.bindOntoStandardInput(this.host, this.port, this.backlog);
	}

	@Override
	public int port() {
		return this.boundPort;
	}

	@Override
	public void add(Worker worker) {
	}

	@Override
	public void remove(Worker worker) {
	}

	/**
	 * Close the master's copy of the listening socket, as Gunicorn closes its listeners:
	 * once the workers have closed theirs too, the port refuses new connections rather
	 * than leaving them in a backlog that nobody accepts.
	 */
	@Override
	public void stopAccepting() {
		try {
			System.in.close();
		}
		catch (IOException ex) {
			// The socket closes with the master's process.
		}
	}

	@Override
	public void stop() {
		// The socket closes with the master's process; the workers are gone by then.
	}

	@Override
	public boolean inheritsSocket() {
		return true;
	}

}
