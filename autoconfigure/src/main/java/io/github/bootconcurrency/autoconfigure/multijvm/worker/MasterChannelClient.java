package io.github.bootconcurrency.autoconfigure.multijvm.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

import io.github.bootconcurrency.autoconfigure.multijvm.ClusterView;
import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;

/**
 * A worker's end of its master's private control channel (see {@code MasterChannel}).
 */
public final class MasterChannelClient {

	private final WorkerEnvironment worker;

	public MasterChannelClient(WorkerEnvironment worker) {
		if (worker.channel() == null || worker.token() == null) {
			throw new IllegalArgumentException("Worker " + worker.id() + " was given no control channel");
		}
		this.worker = worker;
	}

	/**
	 * Return the cluster as the master sees it.
	 * @return the cluster view
	 * @throws IOException if the master cannot be asked
	 */
	public ClusterView status() throws IOException {
		return ClusterView.decode(request("STATUS"));
	}

	/**
	 * Ask the master to run this many workers, and wait until it has taken the request.
	 * @param workers the new count
	 * @return the number of workers the master now keeps running, or empty if it did not
	 * say (a master older than this worker)
	 * @throws IOException if the master cannot be asked, or refused (it is stopping)
	 */
	public OptionalInt scale(int workers) throws IOException {
		for (String line : request("SCALE " + workers)) {
			if (line.startsWith("target ")) {
				return OptionalInt.of(Integer.parseInt(line.substring(7).trim()));
			}
		}
		return OptionalInt.empty();
	}

	/**
	 * Ask the master for a rolling restart of every worker, as SIGHUP does, and wait
	 * until it has taken the request.
	 * @throws IOException if the master cannot be asked, or refused (it is stopping)
	 */
	public void reload() throws IOException {
		request("RELOAD");
	}

	/**
	 * Return the metrics of every worker and of the master, as one exposition in the text
	 * format 0.0.4.
	 * @param names the only metric names to include, or empty for all
	 * @return the exposition's lines
	 * @throws IOException if the master cannot be asked
	 */
	public List<String> scrape(Set<String> names) throws IOException {
		return request(names.isEmpty() ? "SCRAPE" : "SCRAPE " + String.join(",", names));
	}

	void heartbeat(boolean ready, int port, long requests, long heapUsedBytes, int deadlockedThreads,
			HeapAfterCollection heap, long stuckMillis) throws IOException {
		request("HEARTBEAT " + (ready ? 1 : 0) + " " + port + " " + requests + " " + heapUsedBytes + " "
				+ deadlockedThreads + " " + heap.usedBytes() + " " + heap.maxBytes() + " " + heap.collections() + " "
				+ stuckMillis);
	}

	private List<String> request(String command) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(this.worker.channel()));
			String line = this.worker.id() + " " + this.worker.token() + " " + command + "\n";
			channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
			channel.shutdownOutput();
			BufferedReader in = new BufferedReader(
					new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
			String status = in.readLine();
			if (!"OK".equals(status)) {
				throw new IOException("the multi-jvm master answered '" + status + "' to " + command.split(" ")[0]);
			}
			List<String> lines = new ArrayList<>();
			for (String next = in.readLine(); next != null; next = in.readLine()) {
				lines.add(next);
			}
			return lines;
		}
	}

}
