package io.github.bootconcurrency.autoconfigure.multijvm.master.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link WorkerOutput}, through a real pipe, whose writer blocks as a worker's
 * does once nobody reads: a line of any length arrives cut, with the lines after it; a
 * line the master cannot print is dropped and the ones after it still arrive; and a pipe
 * that cannot be read is closed, so that the writer fails rather than blocks, and
 * reported.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerOutputTests {

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private final List<String> warnings = new CopyOnWriteArrayList<>();

	private final AtomicReference<String> cannotDrain = new AtomicReference<>();

	@Test
	void aTenMegabyteLineArrivesCutAndTheLinesAfterItStillArrive() throws Exception {
		Pipe pipe = Pipe.open();
		CompletableFuture<Void> copier = copy(Channels.newInputStream(pipe.source()), this.lines::add);
		byte[] huge = new byte[10 * 1024 * 1024];
		Arrays.fill(huge, (byte) 'x');
		try (OutputStream worker = Channels.newOutputStream(pipe.sink())) {
			worker.write("before\n".getBytes(StandardCharsets.UTF_8));
			worker.write(huge);
			worker.write("\nafter\r\nlast without a line end".getBytes(StandardCharsets.UTF_8));
		}
		copier.get(30, TimeUnit.SECONDS);
		assertThat(this.lines).hasSize(4);
		assertThat(this.lines.get(0)).isEqualTo("before");
		assertThat(this.lines.get(1)).startsWith("x".repeat(WorkerOutput.MAX_LINE_BYTES) + " [")
			.endsWith("[... line cut: " + (huge.length - WorkerOutput.MAX_LINE_BYTES)
					+ " more bytes not shown; lines are cut at 65536 bytes]")
			.hasSizeLessThan(WorkerOutput.MAX_LINE_BYTES + 200);
		assertThat(this.lines.subList(2, 4)).containsExactly("after", "last without a line end");
		assertThat(this.warnings).isEmpty();
		assertThat(this.cannotDrain).hasNullValue();
	}

	@Test
	void anErrorThrownWhilePrintingALineIsWarnedOfOnceAndDrainingGoesOn() throws Exception {
		Pipe pipe = Pipe.open();
		CompletableFuture<Void> copier = copy(Channels.newInputStream(pipe.source()), (line) -> {
			if (line.startsWith("fails")) {
				throw new OutOfMemoryError("Java heap space");
			}
			this.lines.add(line);
		});
		try (OutputStream worker = Channels.newOutputStream(pipe.sink())) {
			worker.write("one\n".getBytes(StandardCharsets.UTF_8));
			// More than a pipe holds: the writer blocks unless the copier keeps reading.
			for (int i = 0; i < 20_000; i++) {
				worker.write(("fails " + i + " " + "y".repeat(100) + "\n").getBytes(StandardCharsets.UTF_8));
			}
			worker.write("two\n".getBytes(StandardCharsets.UTF_8));
		}
		copier.get(30, TimeUnit.SECONDS);
		assertThat(this.lines).containsExactly("one", "two");
		assertThat(this.warnings).singleElement()
			.asString()
			.contains("Could not print a line of the worker's output (java.lang.OutOfMemoryError: Java heap space)");
		assertThat(this.cannotDrain).hasNullValue();
	}

	@Test
	void aPipeThatCannotBeReadWhileTheWorkerRunsIsClosedSoTheWorkerDoesNotBlockAndIsReported() throws Exception {
		Pipe pipe = Pipe.open();
		InputStream source = Channels.newInputStream(pipe.source());
		InputStream failing = new InputStream() {

			private int reads;

			@Override
			public int read() {
				throw new UnsupportedOperationException();
			}

			@Override
			public int read(byte[] buffer) throws IOException {
				if (++this.reads > 1) {
					throw new StackOverflowError();
				}
				return source.read(buffer);
			}

			@Override
			public void close() throws IOException {
				source.close();
			}

		};
		CompletableFuture<Void> copier = copy(failing, this.lines::add);
		try (OutputStream worker = Channels.newOutputStream(pipe.sink())) {
			worker.write("one\n".getBytes(StandardCharsets.UTF_8));
			copier.get(30, TimeUnit.SECONDS);
			assertThatExceptionOfType(IOException.class).as("the worker's writes fail rather than block")
				.isThrownBy(() -> {
					for (int i = 0; i < 1000; i++) {
						worker.write(new byte[8192]);
					}
				});
		}
		assertThat(this.lines).containsExactly("one");
		assertThat(this.cannotDrain.get()).isEqualTo("its output cannot be read any more "
				+ "(java.lang.StackOverflowError), and a worker whose output is not read blocks as soon as the pipe "
				+ "is full");
	}

	@Test
	void aReadThatFailsOnceTheWorkerHasExitedOnlyEndsItsOutput() throws Exception {
		InputStream gone = new InputStream() {

			@Override
			public int read() throws IOException {
				throw new IOException("Stream closed");
			}

		};
		new WorkerOutput(gone, this.lines::add, this.warnings::add, () -> false, this.cannotDrain::set).run();
		assertThat(this.cannotDrain).hasNullValue();
		assertThat(this.warnings).isEmpty();
	}

	private CompletableFuture<Void> copy(InputStream output, Consumer<String> lines) {
		WorkerOutput copier = new WorkerOutput(output, lines, this.warnings::add, () -> true, this.cannotDrain::set);
		return CompletableFuture.runAsync(copier, (task) -> Thread.ofVirtual().start(task));
	}

}
