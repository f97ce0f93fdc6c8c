package io.github.bootconcurrency.autoconfigure.multijvm.worker.channel;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ClusterView;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlProtocol;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlRequest;

/**
 * A worker's end of its master's private control channel (see {@code MasterChannel}).
 *
 * <p>
 * Every exchange has a deadline, from connecting to the last byte of the answer: a master
 * that is stopped ({@code SIGSTOP}) or hung still has its socket, and the kernel accepts
 * connections into its backlog, so without one a request thread would wait for ever. A
 * master that is gone, silent past the deadline, or answers something this worker cannot
 * read is an {@link IOException} whose message says which.
 */
public final class MasterChannelClient {

	/**
	 * Longest a heartbeat or {@code STATUS} waits for the master's answer: the master
	 * answers them at once.
	 */
	static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Longest {@code SCALE} and {@code RELOAD} wait: the master waits up to 10 s for its
	 * loop to take them.
	 */
	static final Duration LOOP_TIMEOUT = Duration.ofSeconds(15);

	/**
	 * Longest a scrape waits for the master, which itself waits at most three seconds for
	 * the workers.
	 */
	static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(8);

	/**
	 * Largest answer read from the master: more is no answer of a master (its cluster
	 * scrape is bounded under this), and must not fill this worker's heap.
	 */
	static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;

	private static final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "multi-jvm-master-channel-deadline");
		thread.setDaemon(true);
		return thread;
	});

	private final WorkerEnvironment worker;

	private final Duration answerTimeout;

	private final Duration loopTimeout;

	private final Duration scrapeTimeout;

	public MasterChannelClient(WorkerEnvironment worker) {
		this(worker, ANSWER_TIMEOUT, LOOP_TIMEOUT, SCRAPE_TIMEOUT);
	}

	MasterChannelClient(WorkerEnvironment worker, Duration answerTimeout, Duration loopTimeout,
			Duration scrapeTimeout) {
		if (worker.channel() == null || worker.token() == null) {
			throw new IllegalArgumentException("Worker " + worker.id() + " was given no control channel");
		}
		this.worker = worker;
		this.answerTimeout = answerTimeout;
		this.loopTimeout = loopTimeout;
		this.scrapeTimeout = scrapeTimeout;
	}

	/**
	 * Return the cluster as the master sees it.
	 * @return the cluster view
	 * @throws IOException if the master cannot be asked, or its answer cannot be read
	 */
	public ClusterView status() throws IOException {
		ControlRequest.Status status = new ControlRequest.Status();
		List<String> lines = request(status, this.answerTimeout);
		try {
			return ClusterView.decode(lines);
		}
		catch (RuntimeException ex) {
			throw unexpected(status, ex.getMessage());
		}
	}

	/**
	 * Ask the master to run this many workers, and wait until it has taken the request.
	 * @param workers the new count
	 * @return the number of workers the master now keeps running, or empty if it did not
	 * say (a master older than this worker)
	 * @throws IOException if the master cannot be asked, or refused (it is stopping)
	 */
	public OptionalInt scale(int workers) throws IOException {
		ControlRequest.Scale scale = new ControlRequest.Scale(workers);
		List<String> lines = request(scale, this.loopTimeout);
		try {
			return ControlRequest.Scale.target(lines);
		}
		catch (IllegalArgumentException ex) {
			throw unexpected(scale, ex.getMessage());
		}
	}

	/**
	 * Ask the master for a rolling restart of every worker, as SIGHUP does, and wait
	 * until it has taken the request.
	 * @throws IOException if the master cannot be asked, or refused (it is stopping)
	 */
	public void reload() throws IOException {
		request(new ControlRequest.Reload(), this.loopTimeout);
	}

	/**
	 * Return the metrics of every worker and of the master, as one exposition in the text
	 * format 0.0.4.
	 * @param names the only metric names to include, or empty for all
	 * @return the exposition's lines
	 * @throws IOException if the master cannot be asked
	 */
	public List<String> scrape(Set<String> names) throws IOException {
		return request(new ControlRequest.Scrape(names), this.scrapeTimeout);
	}

	void heartbeat(boolean ready, int port, long requests, long heapUsedBytes, int deadlockedThreads,
			HeapAfterCollection heap, long stuckMillis) throws IOException {
		request(new ControlRequest.Heartbeat(ready, port, requests, heapUsedBytes, deadlockedThreads, heap.usedBytes(),
				heap.maxBytes(), heap.collections(), stuckMillis), this.answerTimeout);
	}

	private List<String> request(ControlRequest request, Duration timeout) throws IOException {
		String name = request.command();
		SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		// Closing the channel is what ends a blocked connect or read at the deadline.
		AtomicBoolean late = new AtomicBoolean();
		ScheduledFuture<?> deadline = deadlines.schedule(() -> {
			late.set(true);
			closeQuietly(channel);
		}, timeout.toNanos(), TimeUnit.NANOSECONDS);
		try (channel) {
			channel.connect(UnixDomainSocketAddress.of(this.worker.channel()));
			String line = ControlProtocol.frame(this.worker.id(), this.worker.token(), request);
			channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
			channel.shutdownOutput();
			BufferedReader in = new BufferedReader(
					new InputStreamReader(new BoundedInputStream(Channels.newInputStream(channel), MAX_ANSWER_BYTES),
							StandardCharsets.UTF_8));
			String status = in.readLine();
			if (!ControlProtocol.OK.equals(status)) {
				if (status == null) {
					throw new AnswerException("the multi-jvm master closed the connection without answering " + name);
				}
				throw new AnswerException("the multi-jvm master answered '" + shorten(status) + "' to " + name);
			}
			List<String> lines = new ArrayList<>();
			for (String next = in.readLine(); next != null; next = in.readLine()) {
				lines.add(next);
			}
			return lines;
		}
		catch (IOException ex) {
			if (late.get()) {
				throw new IOException("the multi-jvm master did not answer " + name + " within " + timeout.toMillis()
						+ " ms (stopped or hung)", ex);
			}
			if (ex instanceof AnswerException) {
				throw ex;
			}
			throw new IOException("the multi-jvm master cannot be asked " + name + " (" + ex + ")", ex);
		}
		finally {
			deadline.cancel(false);
		}
	}

	private static IOException unexpected(ControlRequest request, @Nullable String what) {
		return new AnswerException("the multi-jvm master's answer to " + request.command()
				+ " is not one this worker can read: " + shorten(String.valueOf(what)));
	}

	/**
	 * Keep a garbled answer's echo short in logs and responses.
	 */
	private static String shorten(String text) {
		return (text.length() <= 120) ? text : text.substring(0, 120) + "...";
	}

	private static void closeQuietly(SocketChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// Closed anyway.
		}
	}

	/**
	 * Fails a read past a number of bytes.
	 */
	private static final class BoundedInputStream extends FilterInputStream {

		private long remaining;

		BoundedInputStream(InputStream in, long limit) {
			super(in);
			this.remaining = limit;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			return (read(one, 0, 1) == -1) ? -1 : one[0] & 0xff;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int read = super.read(buffer, offset, length);
			if (read > 0) {
				this.remaining -= read;
				if (this.remaining < 0) {
					throw new AnswerException(
							"the multi-jvm master's answer is larger than " + MAX_ANSWER_BYTES + " bytes");
				}
			}
			return read;
		}

	}

	/**
	 * An answer from the master that says what went wrong in its own words.
	 */
	private static final class AnswerException extends IOException {

		AnswerException(String message) {
			super(message);
		}

	}

}
