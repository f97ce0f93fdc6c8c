package io.github.bootconcurrency.benchmark.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * {@link LoadClient} on {@code java.net.http}: HTTP/1.1, no redirects, its own executor
 * of virtual threads.
 */
final class JdkLoadClient implements LoadClient {

	private final HttpClient client;

	private final HttpRequest request;

	JdkLoadClient(URI uri, Duration connectTimeout, Duration readTimeout) {
		this.client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(connectTimeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.executor(Executors.newVirtualThreadPerTaskExecutor())
			.build();
		this.request = HttpRequest.newBuilder(uri).GET().timeout(readTimeout).build();
	}

	@Override
	public int get() throws IOException, InterruptedException {
		return this.client.send(this.request, BodyHandlers.discarding()).statusCode();
	}

	@Override
	public void close() {
		this.client.shutdownNow();
	}

}
