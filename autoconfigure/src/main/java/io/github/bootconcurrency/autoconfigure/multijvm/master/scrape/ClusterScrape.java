package io.github.bootconcurrency.autoconfigure.multijvm.master.scrape;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.multijvm.master.metrics.MetricFamilies;
import io.github.bootconcurrency.autoconfigure.multijvm.master.workers.Worker;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlProtocol;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ScrapeRequest;
import org.jspecify.annotations.Nullable;

/**
 * One Prometheus scrape of the whole cluster: every worker's metrics, each labelled with
 * the worker's slot, and the master's own series.
 *
 * <p>
 * Design: the master gathers, whichever balancer runs, because it alone knows every
 * worker; the worker that received {@code /actuator/prometheus} asks it over the control
 * channel. Each worker serves its own exposition on a Unix socket in the master's private
 * directory, and answers only a request that carries its token. One ready worker per slot
 * is asked (the newest, while a successor and its predecessor share the slot), all at
 * once, each within {@link #FETCH_TIMEOUT}: a worker that is stopped, slow or gone is
 * left out of that scrape and counted in {@code concurrency_master_scrape_errors_total},
 * and never holds the scrape up.
 *
 * <p>
 * The master's heap is bounded whoever asks, since any client that reaches
 * {@code /actuator/prometheus} makes the master scrape: at most
 * {@link #MAX_CONCURRENT_SCRAPES} scrapes run at once, a further one waits up to
 * {@link #QUEUE_TIMEOUT} for its turn and is then refused ({@link Busy}), and one scrape
 * reads at most {@link #MAX_SCRAPE_BYTES} from all its workers together (a worker whose
 * exposition would go past that, or past {@link #MAX_EXPOSITION_BYTES} of its own, is
 * left out and counted as above).
 */
public final class ClusterScrape {

	/**
	 * Longest the master waits for the workers' metrics, all asked at once.
	 */
	public static final Duration FETCH_TIMEOUT = Duration.ofSeconds(3);

	/**
	 * Most bytes one worker's exposition may have: a worker must not fill the master's
	 * heap.
	 */
	static final int MAX_EXPOSITION_BYTES = 16 * 1024 * 1024;

	/**
	 * Most cluster scrapes that run at once: one Prometheus, or a pair of them, scrapes
	 * every few seconds; more at once is a flood, whose memory the master must not hold.
	 */
	static final int MAX_CONCURRENT_SCRAPES = 2;

	/**
	 * Longest a scrape waits for a running one to end before it is refused.
	 */
	static final Duration QUEUE_TIMEOUT = Duration.ofSeconds(2);

	/**
	 * Most bytes one scrape reads from all its workers together.
	 */
	static final int MAX_SCRAPE_BYTES = 32 * 1024 * 1024;

	private static final int CHUNK_BYTES = 64 * 1024;

	private static final Pattern SOCKET_NAME = Pattern.compile("worker-(\\d+)\\.sock");

	private final Path directory;

	private final Duration timeout;

	private final Map<Integer, LongAdder> errors = new ConcurrentHashMap<>();

	private final Semaphore running;

	private final int maxConcurrent;

	private final Duration queueTimeout;

	private final int maxScrapeBytes;

	/**
	 * Create the scrape of the workers whose sockets are in a directory.
	 * @param directory the master's private directory
	 * @param timeout how long to wait for the workers
	 */
	public ClusterScrape(Path directory, Duration timeout) {
		this(directory, timeout, MAX_CONCURRENT_SCRAPES, QUEUE_TIMEOUT, MAX_SCRAPE_BYTES);
	}

	public ClusterScrape(Path directory, Duration timeout, int maxConcurrent, Duration queueTimeout,
			int maxScrapeBytes) {
		this.directory = directory;
		this.timeout = timeout;
		this.maxConcurrent = maxConcurrent;
		this.running = new Semaphore(maxConcurrent, true);
		this.queueTimeout = queueTimeout;
		this.maxScrapeBytes = maxScrapeBytes;
	}

	/**
	 * Gather every worker's metrics and the master's own.
	 * @param workers every worker the master runs
	 * @param master writes the master's own series
	 * @param names the only metric names to include, or empty for all
	 * @return the exposition's lines
	 * @throws Busy if as many scrapes as allowed ran for the whole queue timeout
	 */
	public List<String> scrape(List<Worker> workers, Consumer<MetricFamilies> master, Set<String> names) throws Busy {
		try {
			if (!this.running.tryAcquire(this.queueTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
				throw new Busy(this.maxConcurrent + " cluster scrapes are running and none ended within "
						+ this.queueTimeout.toMillis() + " ms; scrape less often");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new Busy("the master is stopping");
		}
		try {
			return scrapeWorkers(workers, master, names);
		}
		finally {
			this.running.release();
		}
	}

	private List<String> scrapeWorkers(List<Worker> workers, Consumer<MetricFamilies> master, Set<String> names) {
		sweep(workers);
		AtomicLong budget = new AtomicLong(this.maxScrapeBytes);
		Map<Integer, Worker> bySlot = new TreeMap<>();
		workers.stream()
			.filter((worker) -> worker.state() == Worker.State.READY)
			.sorted(Comparator.comparing(Worker::id))
			.forEach((worker) -> bySlot.put(worker.slot(), worker));
		List<Callable<String>> fetches = bySlot.values()
			.stream()
			.<Callable<String>>map((worker) -> () -> fetch(worker, names, budget))
			.toList();
		List<Future<String>> results = invokeAll(fetches);
		MetricFamilies families = new MetricFamilies();
		int i = 0;
		for (Worker worker : bySlot.values()) {
			String exposition = result(results.get(i++));
			// From the first scrape on, at zero, so that increase() sees the first error.
			LongAdder errors = this.errors.computeIfAbsent(worker.slot(), (slot) -> new LongAdder());
			if (exposition != null) {
				families.addExposition(exposition, MetricFamilies.WORKER_LABEL, Integer.toString(worker.slot()));
			}
			else {
				errors.increment();
			}
		}
		MetricFamilies own = new MetricFamilies();
		master.accept(own);
		this.errors.forEach((slot, count) -> own.add("concurrency_master_scrape_errors_total", "counter",
				"Scrapes that left a worker out because it did not answer in time, or answered too much.",
				Map.of(MetricFamilies.WORKER_LABEL, Integer.toString(slot)), count.sum()));
		families.addExposition(String.join("\n", own.lines()), null, null);
		return filter(families.lines(), names);
	}

	private List<Future<String>> invokeAll(List<Callable<String>> fetches) {
		ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("scrape-", 0).factory());
		try {
			// Cancels, so interrupts, what is not done in time: the interrupt closes the
			// socket that its read waits on.
			return executor.invokeAll(fetches, this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return fetches.stream().<Future<String>>map((fetch) -> null).toList();
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static @Nullable String result(@Nullable Future<String> future) {
		if (future == null || future.isCancelled()) {
			return null;
		}
		try {
			return future.get();
		}
		catch (ExecutionException | InterruptedException ex) {
			return null;
		}
	}

	/**
	 * Read a worker's exposition in chunks, each taken from the scrape's budget first: a
	 * worker that would go past its own cap or the scrape's is left out, and gives back
	 * what it took.
	 */
	private @Nullable String fetch(Worker worker, Set<String> names, AtomicLong budget) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(WorkerEnvironment.scrapeSocket(this.directory, worker.id())));
			String request = new ScrapeRequest(worker.token(), names).encode();
			channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
			channel.shutdownOutput();
			InputStream in = Channels.newInputStream(channel);
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			byte[] chunk = new byte[CHUNK_BYTES];
			for (int read = in.read(chunk); read != -1; read = in.read(chunk)) {
				if (answer.size() + read > MAX_EXPOSITION_BYTES) {
					// The chunk that went past the cap was never taken from the budget.
					budget.addAndGet(answer.size());
					return null;
				}
				if (budget.addAndGet(-read) < 0) {
					budget.addAndGet(answer.size() + read);
					return null;
				}
				answer.write(chunk, 0, read);
			}
			String text = answer.toString(StandardCharsets.UTF_8);
			String ok = ControlProtocol.OK + "\n";
			if (!text.startsWith(ok)) {
				return null;
			}
			return text.substring(ok.length());
		}
	}

	/**
	 * A scrape refused because as many as allowed were running.
	 */
	public static final class Busy extends Exception {

		public Busy(String message) {
			super(message);
		}

	}

	/**
	 * Keep only the families of the names asked for, as the workers do: a counter's name
	 * may be given with or without {@code _total}.
	 */
	private static List<String> filter(List<String> lines, Set<String> names) {
		if (names.isEmpty()) {
			return lines;
		}
		List<String> kept = new ArrayList<>();
		for (String line : lines) {
			String name = line.startsWith("# ") ? line.split(" ", 4)[2] : line.split("[{ ]", 2)[0];
			if (!name.startsWith("concurrency_master_") || names.contains(name)
					|| names.contains(name.replaceAll("_total$", ""))) {
				kept.add(line);
			}
		}
		return kept;
	}

	/**
	 * Delete the sockets left by workers that are gone without removing theirs (killed):
	 * only of ids lower than the newest worker's, so never the socket of a worker being
	 * started.
	 */
	private void sweep(List<Worker> workers) {
		Set<Integer> known = workers.stream().map(Worker::id).collect(Collectors.toSet());
		int newest = known.stream().max(Integer::compare).orElse(0);
		try (DirectoryStream<Path> sockets = Files.newDirectoryStream(this.directory, "worker-*.sock")) {
			for (Path socket : sockets) {
				Matcher matcher = SOCKET_NAME.matcher(socket.getFileName().toString());
				if (matcher.matches()) {
					int id = Integer.parseInt(matcher.group(1));
					if (id < newest && !known.contains(id)) {
						Files.deleteIfExists(socket);
					}
				}
			}
		}
		catch (IOException ex) {
			// Left for the next scrape, or for the master's exit.
		}
	}

}
