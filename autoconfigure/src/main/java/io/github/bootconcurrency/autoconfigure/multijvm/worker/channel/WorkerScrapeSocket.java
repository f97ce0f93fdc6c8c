package io.github.bootconcurrency.autoconfigure.multijvm.worker.channel;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import io.github.bootconcurrency.autoconfigure.multijvm.WorkerEnvironment;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlProtocol;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ScrapeRequest;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * A worker's own metrics, served to its master only: the master gathers every worker's
 * into one scrape.
 *
 * <p>
 * Design: a Unix domain socket in the master's private directory, which only the master's
 * user can enter, rather than a TCP port, which any local process could reach. A request
 * is one line, {@code <token> SCRAPE [names]}, with the token the master gave this
 * worker; a peer of another user or with another token is answered {@code DENIED}, and
 * the refusal is logged without the request. The answer is {@code OK}, then this worker's
 * exposition in the text format 0.0.4, then the connection closes.
 */
public final class WorkerScrapeSocket implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(WorkerScrapeSocket.class);

	private final WorkerEnvironment worker;

	private final Function<Set<String>, byte[]> exposition;

	private volatile @Nullable ServerSocketChannel server;

	/**
	 * Create a scrape socket.
	 * @param worker this worker's environment, which names the socket
	 * @param exposition this worker's metrics, in the text format, for the names asked
	 */
	public WorkerScrapeSocket(WorkerEnvironment worker, Function<Set<String>, byte[]> exposition) {
		this.worker = worker;
		this.exposition = exposition;
	}

	@Override
	public void start() {
		Path socket = this.worker.scrapeSocket();
		try {
			Files.deleteIfExists(socket);
			ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
			server.bind(UnixDomainSocketAddress.of(socket));
			this.server = server;
			UserPrincipal owner = Files.getOwner(socket.getParent());
			Thread.ofVirtual().name("multi-jvm-worker-scrape").start(() -> accept(server, owner));
		}
		catch (IOException ex) {
			// The worker serves; the master's scrape counts it as an error.
			logger.warn("Cannot serve this worker's metrics to the multi-jvm master: " + ex.getMessage());
		}
	}

	private void accept(ServerSocketChannel server, UserPrincipal owner) {
		while (server.isOpen()) {
			try {
				SocketChannel connection = server.accept();
				Thread.ofVirtual().start(() -> serve(connection, owner));
			}
			catch (IOException ex) {
				if (!server.isOpen()) {
					return;
				}
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException interrupted) {
					return;
				}
			}
		}
	}

	private void serve(SocketChannel connection, UserPrincipal owner) {
		try (connection;
				InputStream in = new BufferedInputStream(Channels.newInputStream(connection), ControlProtocol.MAX_LINE);
				OutputStream out = Channels.newOutputStream(connection)) {
			UnixDomainPrincipal peer = connection.getOption(ExtendedSocketOptions.SO_PEERCRED);
			String line = ControlProtocol.readLine(in);
			Optional<ScrapeRequest> request = ScrapeRequest.decode((line != null) ? line : "");
			if (!Objects.equals(peer.user(), owner) || request.isEmpty() || !isToken(request.get().token())) {
				// Never echo the request: it may hold a token.
				logger.warn("Refused a request for this worker's metrics that is not from its master");
				out.write((ControlProtocol.DENIED + "\n").getBytes(StandardCharsets.UTF_8));
				return;
			}
			out.write((ControlProtocol.OK + "\n").getBytes(StandardCharsets.UTF_8));
			out.write(this.exposition.apply(request.get().names()));
		}
		catch (IOException | RuntimeException ex) {
			// The master gave up waiting, or the worker is stopping: that scrape leaves
			// this worker out.
		}
	}

	private boolean isToken(String word) {
		return MessageDigest.isEqual(this.worker.token().getBytes(StandardCharsets.UTF_8),
				word.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public void stop() {
		ServerSocketChannel server = this.server;
		this.server = null;
		if (server != null) {
			try {
				server.close();
				Files.deleteIfExists(this.worker.scrapeSocket());
			}
			catch (IOException ex) {
				// The master deletes it when it next scrapes, or when it stops.
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.server != null;
	}

}
