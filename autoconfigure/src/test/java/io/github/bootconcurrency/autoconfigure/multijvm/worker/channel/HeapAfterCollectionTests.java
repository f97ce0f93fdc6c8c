package io.github.bootconcurrency.autoconfigure.multijvm.worker.channel;

import java.util.ArrayList;
import java.util.List;

import io.github.bootconcurrency.autoconfigure.testsupport.RunsInParallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HeapAfterCollection}, read from this very JVM, which no other test
 * allocates in meanwhile: that would count as this test's, or be freed from it.
 */
@ResourceLock(value = RunsInParallel.HEAP, mode = ResourceAccessMode.READ_WRITE)
class HeapAfterCollectionTests {

	private static final int MB = 1024 * 1024;

	@Test
	void liveDataShowsInTheHeapAfterCollectionAndGarbageDoesNot() {
		System.gc();
		HeapAfterCollection before = HeapAfterCollection.read();
		List<byte[]> live = new ArrayList<>();
		for (int i = 0; i < 64; i++) {
			live.add(new byte[MB]);
		}
		for (int i = 0; i < 64; i++) {
			// Garbage as soon as made.
			byte[] garbage = new byte[MB];
			garbage[i] = 1;
		}
		System.gc();
		HeapAfterCollection after = HeapAfterCollection.read();
		assertThat(after.collections()).isGreaterThan(before.collections());
		// The master takes a percentage limit of this figure: it must be the heap's real
		// maximum, not what is committed so far.
		assertThat(after.maxBytes()).isEqualTo(Runtime.getRuntime().maxMemory());
		assertThat(after.usedBytes() - before.usedBytes()).as("the 64 MB kept, not the 64 MB dropped")
			.isBetween(60L * MB, 100L * MB);
		assertThat(live).hasSize(64);
	}

}
