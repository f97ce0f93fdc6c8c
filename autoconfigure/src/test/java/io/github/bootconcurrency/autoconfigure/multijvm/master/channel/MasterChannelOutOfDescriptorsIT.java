package io.github.bootconcurrency.autoconfigure.multijvm.master.channel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ClusterView;
import io.github.bootconcurrency.autoconfigure.multijvm.protocol.ControlRequest;
import io.github.bootconcurrency.autoconfigure.testsupport.ProcessOutput;
import io.github.bootconcurrency.autoconfigure.testsupport.Reaper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The control channel of a JVM that runs out of file descriptors, for real: a JVM started
 * with {@code ulimit -n 256} serves a {@link MasterChannel}, then opens files until it
 * has no descriptor left, while workers keep connecting. Its {@link #main} is that JVM.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
// Alone: it measures the CPU time its JVM spends while out of descriptors.
@Isolated
class MasterChannelOutOfDescriptorsIT {

	private static final Pattern SOCKET = Pattern.compile("^socket (\\S+)$");

	private static final String CANNOT_ACCEPT = "Control channel cannot accept";

	private Process process;

	private ProcessOutput output;

	@AfterEach
	void stop() throws InterruptedException {
		if (this.process != null) {
			this.process.destroyForcibly();
			if (this.process.waitFor(10, TimeUnit.SECONDS)) {
				Reaper.forget(this.process.toHandle());
			}
		}
	}

	@Test
	void acceptingWithoutDescriptorsBacksOffLogsOnceAndRecoversWhenTheyComeBack() throws Exception {
		this.process = new ProcessBuilder("bash", "-c", "ulimit -n 256 && exec \"$0\" \"$@\"",
				ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
				MasterChannelOutOfDescriptorsIT.class.getName())
			.redirectErrorStream(true)
			.start();
		Reaper.watch(this.process.toHandle());
		this.output = ProcessOutput.of("the JVM out of descriptors", this.process);
		Matcher matcher = SOCKET.matcher(this.output.await(SOCKET, 1, Duration.ofSeconds(60)).text());
		assertThat(matcher.find()).isTrue();
		Path socket = Path.of(matcher.group(1));
		assertThat(ask(socket).get(10, TimeUnit.SECONDS)).isEqualTo("OK\n");

		command("exhaust");
		assertThat(this.output.await("exhausted:", Duration.ofSeconds(30)).text()).contains("Too many open files");
		List<CompletableFuture<String>> answers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			answers.add(ask(socket));
		}
		// Long enough for a loop without a pause to fail a million times.
		Duration cpuBefore = cpuTime();
		Thread.sleep(3000);
		assertThat(cpuTime().minus(cpuBefore)).as("CPU time while out of descriptors")
			.isLessThan(Duration.ofMillis(1000));
		String exhausted = this.output.text();
		assertThat(exhausted.split(CANNOT_ACCEPT, -1)).as(exhausted).hasSize(2);
		assertThat(exhausted).contains("event ChannelTrouble[failing=true]")
			.doesNotContain("event ChannelTrouble[failing=false]");
		assertThat(answers).noneMatch(CompletableFuture::isDone);

		command("release");
		for (CompletableFuture<String> answer : answers) {
			assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("OK\n");
		}
		this.output.await("event ChannelTrouble[failing=false]", Duration.ofSeconds(10));
		assertThat(ask(socket).get(10, TimeUnit.SECONDS)).isEqualTo("OK\n");
		assertThat(this.output.text().split(CANNOT_ACCEPT, -1)).hasSize(2);
	}

	/**
	 * Send a heartbeat on a new connection, from a thread of its own, and return the
	 * answer to come.
	 */
	private static CompletableFuture<String> ask(Path socket) {
		CompletableFuture<String> answer = new CompletableFuture<>();
		Thread.ofVirtual().start(() -> {
			try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
				channel.connect(UnixDomainSocketAddress.of(socket));
				channel.write(ByteBuffer.wrap("1 token HEARTBEAT 1 8080 0 0 0\n".getBytes(StandardCharsets.UTF_8)));
				channel.shutdownOutput();
				answer.complete(new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				answer.completeExceptionally(ex);
			}
		});
		return answer;
	}

	private Duration cpuTime() {
		return this.process.toHandle().info().totalCpuDuration().orElseThrow();
	}

	private void command(String command) throws IOException {
		OutputStream in = this.process.getOutputStream();
		in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
		in.flush();
	}

	/**
	 * The JVM under test: serves a control channel that accepts any worker, prints what
	 * it submits, and on the commands {@code exhaust} and {@code release} on its standard
	 * input takes every file descriptor left, or gives them back.
	 * @param args none
	 * @throws Exception if it cannot run
	 */
	public static void main(String[] args) throws Exception {
		// Loaded now: with no descriptor left, no class file could be opened.
		Class.forName(ControlRequest.Heartbeat.class.getName());
		MasterChannel channel = MasterChannel.open(System.out);
		channel.serve(new ChannelPort() {

			@Override
			public boolean authenticate(int workerId, String token) {
				return true;
			}

			@Override
			public ClusterView view() {
				throw new UnsupportedOperationException();
			}

			@Override
			public void heartbeat(int workerId, ControlRequest.Heartbeat heartbeat) {
				System.out.println("event Heartbeat " + workerId + " " + heartbeat);
			}

			@Override
			public CompletableFuture<OptionalInt> scale(int workers) {
				throw new UnsupportedOperationException();
			}

			@Override
			public CompletableFuture<Boolean> reload() {
				throw new UnsupportedOperationException();
			}

			@Override
			public void channelTrouble(boolean failing) {
				System.out.println("event ChannelTrouble[failing=" + failing + "]");
			}

		});
		System.out.println("socket " + channel.socket());
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		List<FileChannel> held = new ArrayList<>();
		Path devNull = Path.of("/dev/null");
		for (String command = commands.readLine(); command != null; command = commands.readLine()) {
			if (command.equals("exhaust")) {
				try {
					while (held.size() < 100_000) {
						held.add(FileChannel.open(devNull));
					}
				}
				catch (IOException ex) {
					System.out.println("exhausted: " + ex.getMessage());
				}
			}
			else if (command.equals("release")) {
				for (FileChannel file : held) {
					file.close();
				}
				held.clear();
				System.out.println("released");
			}
		}
		channel.close();
	}

}
