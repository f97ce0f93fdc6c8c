package io.github.bootconcurrency.autoconfigure.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * HTTP to a server on loopback, every call bounded in time: the JDK's client for plain
 * requests, and a raw socket for a request on a connection of its own, from a loopback
 * address of the caller's choosing, answered in the server's own bytes.
 */
public final class Http {

	/**
	 * How long a request may take before its test fails, on a busy 2-core machine.
	 */
	public static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final HttpClient CLIENT = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.executor(Executors.newVirtualThreadPerTaskExecutor())
		.build();

	private Http() {
	}

	/**
	 * GET a path.
	 * @param port the server's port on 127.0.0.1
	 * @param path the path
	 * @return the response
	 */
	public static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
		return CLIENT.send(request(port, path, TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * GET a path without waiting for the answer.
	 * @param port the server's port on 127.0.0.1
	 * @param path the path
	 * @param timeout how long the answer may take
	 * @return the response to come
	 */
	public static CompletableFuture<HttpResponse<String>> getAsync(int port, String path, Duration timeout) {
		return CLIENT.sendAsync(request(port, path, timeout).build(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * POST a JSON body.
	 * @param port the server's port on 127.0.0.1
	 * @param path the path
	 * @param json the body
	 * @return the response
	 */
	public static HttpResponse<String> post(int port, String path, String json)
			throws IOException, InterruptedException {
		HttpRequest request = request(port, path, TIMEOUT).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
		return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static HttpRequest.Builder request(int port, String path, Duration timeout) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(timeout);
	}

	/**
	 * GET on a connection of its own ({@code Connection: close}), so that under the
	 * shared-socket balancer the kernel may hand it to any worker.
	 * @param port the server's port on 127.0.0.1
	 * @param path the path
	 * @return the raw response: status line, headers and body
	 */
	public static String getOnNewConnection(int port, String path) throws IOException {
		return getOnNewConnection("127.0.0.1", port, path);
	}

	/**
	 * GET on a connection of its own from a given loopback address, with extra header
	 * lines.
	 * @param from the local address, such as {@code 127.0.0.2}
	 * @param port the server's port on 127.0.0.1
	 * @param path the path
	 * @param headers header lines, such as {@code X-Forwarded-For: 203.0.113.9}
	 * @return the raw response: status line, headers and body
	 */
	public static String getOnNewConnection(String from, int port, String path, String... headers) throws IOException {
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(from, 0));
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			String extra = String.join("", List.of(headers).stream().map((header) -> header + "\r\n").toList());
			socket.getOutputStream()
				.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" + extra
						+ "Connection: close\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	/**
	 * GET on a connection of its own ({@code Connection: close}) without waiting for the
	 * answer. Unlike {@link #getAsync}, the request is never sent again: the JDK's client
	 * silently re-sends a GET whose connection closed before the first byte of its
	 * answer, so a test that judges the answer to one request would judge the re-send's.
	 * @param port the server's port on 127.0.0.1
	 * @param path the path
	 * @param timeout how long the answer may take
	 * @return the raw response to come: status line, headers and body, or {@code ""} if
	 * the server closed the connection without a byte
	 */
	public static CompletableFuture<String> getAsyncOnNewConnection(int port, String path, Duration timeout) {
		CompletableFuture<String> answer = new CompletableFuture<>();
		Thread.ofVirtual().start(() -> {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
				socket.setSoTimeout((int) timeout.toMillis());
				socket.getOutputStream()
					.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
						.getBytes(StandardCharsets.US_ASCII));
				answer.complete(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
			}
			catch (IOException | RuntimeException ex) {
				answer.completeExceptionally(ex);
			}
		});
		return answer;
	}

	/**
	 * Return the body of a raw response that is one JSON object, whether it came chunked
	 * or not.
	 * @param response the raw response
	 * @return the JSON object
	 */
	public static String jsonBody(String response) {
		return response.substring(response.indexOf('{'), response.lastIndexOf('}') + 1);
	}

}
